/** Opcode rows compiled from the table into the form the decoder and the engines use. */

import { type OperandSpec, parseOperand, usesModrm } from "./operand.ts";
import { OPCODE_ROWS } from "./table.ts";

/** One compiled opcode row. */
export interface OpInfo {
  /** Dense id, the index into per-operation tables built by each engine. */
  id: number;
  /** Opcode index (0x000–0x1FF), with the ModRM reg field for group rows in `groupReg`. */
  code: number;
  /** For a group row, its ModRM reg value; else -1. */
  groupReg: number;
  /** Mnemonic, which the engines map to a handler. */
  mnemonic: string;
  /** Operand form as written in the table. */
  form: string;
  /** Parsed operands. */
  operands: OperandSpec[];
  /** F_* flags. */
  flags: number;
  /** The encoding has a ModRM byte. */
  modrm: boolean;
}

/** Every compiled row, indexed by id. */
export const OPS: OpInfo[] = [];
/** Primary lookup by opcode index: a row, eight group rows (nulls for #UD), or undefined. */
export const PRIMARY: (OpInfo | (OpInfo | null)[] | undefined)[] = new Array(512);

function compile(code: number, groupReg: number, mnemonic: string, form: string, flags: number) {
  const texts = form === "" ? [] : form.split(",");
  const operands = texts.map((t, n) => parseOperand(t, n > 0 && texts[n - 1][0] === "I"));
  const info: OpInfo = {
    id: OPS.length,
    code,
    groupReg,
    mnemonic,
    form,
    operands,
    flags,
    modrm: groupReg >= 0 || mnemonic === "fpu" || operands.some((o) => usesModrm(o.kind)),
  };
  OPS.push(info);
  return info;
}

for (const row of OPCODE_ROWS) {
  if (row[1] === "group") {
    const subs = row[2] as readonly (readonly [string, string, number?] | null)[];
    PRIMARY[row[0]] = subs.map((s, reg) =>
      s === null ? null : compile(row[0], reg, s[0], s[1], s[2] ?? 0)
    );
  } else {
    const [code, mnemonic, form, flags] = row as readonly [number, string, string, number?];
    PRIMARY[code] = compile(code, -1, mnemonic, form, flags ?? 0);
  }
}

/** Every distinct mnemonic in the table (the engines check they cover them all). */
export const MNEMONICS: ReadonlySet<string> = new Set(OPS.map((o) => o.mnemonic));
