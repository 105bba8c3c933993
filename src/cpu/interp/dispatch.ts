/**
 * The interpreter's dispatch table, built from the opcode table when the module loads: one
 * handler per opcode row, found by the row's mnemonic in the family tables.
 */

import { OPS } from "../decode/op_info.ts";
import { raise, UD } from "../fault.ts";
import { ALU_HANDLERS } from "./alu.ts";
import { CONTROL_HANDLERS } from "./control.ts";
import { DATA_HANDLERS } from "./data.ts";
import { FAMILY_HANDLERS } from "./families.ts";
import type { Handler, HandlerTable } from "./handler.ts";
import { STACK_HANDLERS } from "./stack.ts";

const FAMILIES: HandlerTable[] = [
  ALU_HANDLERS,
  DATA_HANDLERS,
  STACK_HANDLERS,
  CONTROL_HANDLERS,
  ...FAMILY_HANDLERS,
];

/** Handler for a row no family implements: the encoding is reserved here, so #UD. */
const unimplemented: Handler = () => raise(UD);

function find(mnemonic: string): Handler | undefined {
  for (const f of FAMILIES) if (Object.hasOwn(f, mnemonic)) return f[mnemonic];
  return undefined;
}

/** Handler by opcode-row id. */
export const HANDLERS: Handler[] = OPS.map((op) => find(op.mnemonic) ?? unimplemented);

/** Mnemonics of the table that no family implements yet. */
export const MISSING_MNEMONICS: string[] = [
  ...new Set(OPS.filter((op) => find(op.mnemonic) === undefined).map((op) => op.mnemonic)),
];
