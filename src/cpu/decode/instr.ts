/** The decoded form of one instruction, shared by the interpreter and the JIT. */

import type { OpInfo } from "./op_info.ts";

/** No REP prefix. */
export const REP_NONE = 0;
/** REP / REPE / REPZ (F3). */
export const REP_E = 1;
/** REPNE / REPNZ (F2). */
export const REP_NE = 2;

/** One decoded instruction. Fields are plain numbers so engines can read them without calls. */
export class Instr {
  /** The opcode row this instruction decoded to. */
  op!: OpInfo;
  /** Length in bytes, prefixes included (1–15). */
  length = 0;
  /** Decoded for a code segment whose default size is 32 bits. */
  code32 = true;
  /** Operand size is 32 bits (after the 66 prefix). */
  o32 = true;
  /** Address size is 32 bits (after the 67 prefix). */
  a32 = true;
  /** Segment for the memory operand: the override if any, else DS or SS by the base register. */
  seg = 3;
  /** Segment override prefix, or -1. */
  segOverride: number = -1;
  /** REP_NONE, REP_E or REP_NE. */
  rep: number = REP_NONE;
  /** LOCK prefix present. */
  lock = false;
  /** The opcode byte (after 0F for two-byte opcodes); its low nibble is the jcc/setcc/cmov condition. */
  opcode = 0;
  /** ModRM mod field (3 = register operand). */
  mod = 0;
  /** ModRM reg field. */
  reg = 0;
  /** ModRM r/m field. */
  rm = 0;
  /** Base register of the memory operand, or -1. */
  base: number = -1;
  /** Index register of the memory operand, or -1. */
  index: number = -1;
  /** Index scale as a shift count (0–3). */
  scale = 0;
  /** Displacement (or the moffs absolute offset). */
  disp = 0;
  /** First immediate (Ib sign-extended; Iw zero-extended; Iz/Iv as encoded; J relative). */
  imm = 0;
  /** Second immediate (enter's level byte, a far pointer's selector). */
  imm2 = 0;
  /** Resolved size in bytes of operand 1. */
  size1 = 0;
  /** Resolved size in bytes of operand 2. */
  size2 = 0;
  /** Resolved size in bytes of operand 3. */
  size3 = 0;
}
