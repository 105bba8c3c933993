/** The uniform signature of an interpreter handler, and the family tables that provide them. */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";

/** Executes one decoded instruction; EIP already points past it. Faults go through `raise()`. */
export type Handler = (cpu: Cpu, i: Instr) => void;

/** A family's handlers keyed by the table's mnemonics. */
export type HandlerTable = Readonly<Record<string, Handler>>;
