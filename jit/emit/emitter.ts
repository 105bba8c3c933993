/** The uniform signature of a JIT emitter, mirroring the interpreter's `Handler`. */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import type { EmitContext } from "./context.ts";

/**
 * Emits instruction `i` inline into `ctx`, or returns false before emitting anything when this
 * form is not translated inline (the instruction then becomes a callout to its handler).
 */
export type Emitter = (ctx: EmitContext, i: Instr) => boolean;

/** A family's emitters keyed by the table's mnemonics. */
export type EmitterTable = Readonly<Record<string, Emitter>>;
