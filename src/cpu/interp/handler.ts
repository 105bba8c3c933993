/** The uniform signature of an interpreter handler, and the family tables that provide them. */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import type { OpInfo } from "../decode/op_info.ts";

/** Executes one decoded instruction; EIP already points past it. Faults go through `raise()`. */
export type Handler = (cpu: Cpu, i: Instr) => void;

/** A family's handlers keyed by the table's mnemonics. */
export type HandlerTable = Readonly<Record<string, Handler>>;

/**
 * Builds the handler of one opcode row, specialised to the row's operand form so the hot path
 * does not look the operand kinds up again; undefined leaves the row to the family's mnemonic
 * handler.
 */
export type HandlerFactory = (op: OpInfo) => Handler | undefined;

/** A family's handler factories keyed by the table's mnemonics. */
export type FactoryTable = Readonly<Record<string, HandlerFactory>>;
