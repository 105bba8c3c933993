/**
 * The interpreter's dispatch table, built from the opcode table when the module loads: one
 * handler per opcode row. A family's factory for the row's mnemonic may return a handler
 * specialised to the row's operand form; otherwise the family's mnemonic handler serves it.
 */

import { type OpInfo, OPS } from "../decode/op_info.ts";
import { raise, UD } from "../fault.ts";
import { ALU_FACTORIES, ALU_HANDLERS } from "./alu.ts";
import { CONTROL_FACTORIES, CONTROL_HANDLERS } from "./control.ts";
import { DATA_FACTORIES, DATA_HANDLERS } from "./data.ts";
import { FAMILY_HANDLERS } from "./families.ts";
import type { FactoryTable, Handler, HandlerTable } from "./handler.ts";
import { SHIFT_FACTORIES } from "./shift.ts";
import { STACK_FACTORIES, STACK_HANDLERS } from "./stack.ts";

const FAMILIES: HandlerTable[] = [
  ALU_HANDLERS,
  DATA_HANDLERS,
  STACK_HANDLERS,
  CONTROL_HANDLERS,
  ...FAMILY_HANDLERS,
];

const FACTORIES: FactoryTable[] = [
  ALU_FACTORIES,
  DATA_FACTORIES,
  STACK_FACTORIES,
  CONTROL_FACTORIES,
  SHIFT_FACTORIES,
];

/** Handler for a row no family implements: the encoding is reserved here, so #UD. */
const unimplemented: Handler = () => raise(UD);

function find(mnemonic: string): Handler | undefined {
  for (const f of FAMILIES) if (Object.hasOwn(f, mnemonic)) return f[mnemonic];
  return undefined;
}

function specialised(op: OpInfo): Handler | undefined {
  for (const f of FACTORIES) if (Object.hasOwn(f, op.mnemonic)) return f[op.mnemonic](op);
  return undefined;
}

/** Handler by opcode-row id. */
export const HANDLERS: Handler[] = OPS.map((op) =>
  specialised(op) ?? find(op.mnemonic) ?? unimplemented
);

/** Mnemonics of the table that no family implements yet. */
export const MISSING_MNEMONICS: string[] = [
  ...new Set(OPS.filter((op) => find(op.mnemonic) === undefined).map((op) => op.mnemonic)),
];
