/** Operand kinds and sizes, parsed once from the Intel-notation forms in the opcode table. */

/** No operand. */
export const K_NONE = 0;
/** ModRM r/m: a register or memory. */
export const K_E = 1;
/** ModRM reg: a general register. */
export const K_G = 2;
/** Immediate (first). */
export const K_I = 3;
/** Second immediate (enter's nesting level). */
export const K_I2 = 4;
/** Relative branch displacement. */
export const K_J = 5;
/** ModRM r/m that must be memory. */
export const K_M = 6;
/** ModRM r/m that must be a register (mov to/from control registers). */
export const K_R = 7;
/** Segment register named by ModRM reg. */
export const K_S = 8;
/** Control register named by ModRM reg. */
export const K_C = 9;
/** Debug register named by ModRM reg. */
export const K_D = 10;
/** Memory offset encoded in the instruction (moffs). */
export const K_O = 11;
/** Far pointer encoded in the instruction (offset then selector). */
export const K_A = 12;
/** A fixed general register (its number is in the operand's `reg`). */
export const K_REG = 13;
/** The general register in the opcode's low three bits. */
export const K_Z = 14;
/** A fixed segment register. */
export const K_SEG = 15;
/** The constant 1 (shift by one). */
export const K_ONE = 16;
/** DS:eSI string source (segment overridable). */
export const K_X = 17;
/** ES:eDI string destination. */
export const K_Y = 18;

/** Size codes: bytes, or one of the operand-size-dependent codes below. */
export const SZ_B = 1;
/** Word. */
export const SZ_W = 2;
/** Doubleword. */
export const SZ_D = 4;
/** Quadword memory (cmpxchg8b). */
export const SZ_Q = 8;
/** 16 or 32 bits by operand size. */
export const SZ_V = -1;
/** Immediate of 16 or 32 bits by operand size. */
export const SZ_Z = -2;
/** Far pointer: 16:16 or 16:32 by operand size. */
export const SZ_P = -3;
/** Pseudo-descriptor for lgdt/lidt (6 bytes). */
export const SZ_S = -4;
/** Pair of bounds for `bound`. */
export const SZ_A = -5;

/** One parsed operand. */
export interface OperandSpec {
  /** One of the K_* kinds. */
  kind: number;
  /** One of the SZ_* codes. */
  size: number;
  /** Register or segment number for K_REG and K_SEG. */
  reg: number;
}

const REG32 = ["eAX", "eCX", "eDX", "eBX", "eSP", "eBP", "eSI", "eDI"];
const REG8 = ["AL", "CL", "DL", "BL", "AH", "CH", "DH", "BH"];
const REG16 = ["AX", "CX", "DX", "BX", "SP", "BP", "SI", "DI"];
const SEGS = ["ES", "CS", "SS", "DS", "FS", "GS"];
const SIZE_LETTERS: Record<string, number> = {
  b: SZ_B,
  w: SZ_W,
  d: SZ_D,
  q: SZ_Q,
  v: SZ_V,
  z: SZ_Z,
  p: SZ_P,
  s: SZ_S,
  a: SZ_A,
};
const KIND_LETTERS: Record<string, number> = {
  E: K_E,
  G: K_G,
  I: K_I,
  J: K_J,
  M: K_M,
  R: K_R,
  S: K_S,
  C: K_C,
  D: K_D,
  O: K_O,
  A: K_A,
  Z: K_Z,
  X: K_X,
  Y: K_Y,
};

/** Parses one operand in Intel notation ("Ev", "AL", "eAX", "DX", "1", "Ib", "ES", "Zv"). */
export function parseOperand(text: string, second: boolean): OperandSpec {
  if (text === "1") return { kind: K_ONE, size: SZ_B, reg: 0 };
  if (REG32.includes(text)) return { kind: K_REG, size: SZ_V, reg: REG32.indexOf(text) };
  if (REG8.includes(text)) return { kind: K_REG, size: SZ_B, reg: REG8.indexOf(text) };
  if (REG16.includes(text)) return { kind: K_REG, size: SZ_W, reg: REG16.indexOf(text) };
  if (SEGS.includes(text)) return { kind: K_SEG, size: SZ_W, reg: SEGS.indexOf(text) };
  const kind = KIND_LETTERS[text[0]];
  const size = SIZE_LETTERS[text.slice(1)];
  if (kind === undefined || size === undefined || text.length !== 2) {
    throw new SyntaxError(`Cannot parse operand "${text}" in the opcode table`);
  }
  return { kind: kind === K_I && second ? K_I2 : kind, size, reg: 0 };
}

/** True when an operand kind is encoded through a ModRM byte. */
export function usesModrm(kind: number): boolean {
  return kind === K_E || kind === K_G || kind === K_M || kind === K_R || kind === K_S ||
    kind === K_C || kind === K_D;
}
