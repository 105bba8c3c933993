/**
 * Bytes to `Instr`: prefixes, opcode, ModRM/SIB, displacement and immediates, driven entirely by
 * the opcode table (SDM vol. 2, ch. 2). Encodings the table lacks raise #UD; an instruction longer
 * than 15 bytes raises #GP(0).
 */

import { GP, raise, UD } from "../fault.ts";
import { Instr, REP_E, REP_NE } from "./instr.ts";
import {
  K_A,
  K_C,
  K_D,
  K_E,
  K_I,
  K_I2,
  K_J,
  K_M,
  K_O,
  K_S,
  SZ_A,
  SZ_B,
  SZ_P,
  SZ_S,
  SZ_V,
  SZ_W,
  SZ_Z,
} from "./operand.ts";
import { type OpInfo, PRIMARY } from "./op_info.ts";
import { F_LOCK } from "./table.ts";

/** Where the decoder reads instruction bytes from. */
export interface CodeReader {
  /** The byte at offset `eip` of the code segment (may raise #GP or #PF). */
  fetch8(eip: number): number;
}

/** Longest legal instruction, in bytes. */
const MAX_LENGTH = 15;
/** Segment registers in encoding order, for override prefixes. */
const SEG_PREFIX: Record<number, number> = { 0x26: 0, 0x2e: 1, 0x36: 2, 0x3e: 3, 0x64: 4, 0x65: 5 };
/** 16-bit addressing: base and index register per r/m value (-1 = none). */
const RM16_BASE = [3, 3, 5, 5, 6, 7, 5, 3];
const RM16_INDEX = [6, 7, 6, 7, -1, -1, -1, -1];
const EBP = 5;
const ESP = 4;
const SEG_DS = 3;
const SEG_SS = 2;

/** Resolves a size code to bytes for the instruction's operand size. */
function resolveSize(code: number, o32: boolean): number {
  switch (code) {
    case SZ_V:
    case SZ_Z:
      return o32 ? 4 : 2;
    case SZ_P:
      return o32 ? 6 : 4;
    case SZ_S:
      return 6;
    case SZ_A:
      return o32 ? 8 : 4;
    default:
      return code;
  }
}

/**
 * Decodes the instruction at `eip` of the code segment.
 * @param reader fetches code bytes
 * @param eip offset of the first byte
 * @param code32 the code segment's default operand and address size is 32 bits
 * @param out an Instr to fill (a new one by default)
 * @returns the decoded instruction
 */
export function decode(reader: CodeReader, eip: number, code32: boolean, out = new Instr()): Instr {
  let pos = eip;
  const next = (): number => {
    if (pos - eip >= MAX_LENGTH) raise(GP, 0);
    return reader.fetch8(pos++);
  };
  let o32 = code32, a32 = code32, seg = -1, rep = 0, lock = false;
  let b = next();
  for (;;) {
    if (b === 0x66) o32 = !code32;
    else if (b === 0x67) a32 = !code32;
    else if (b === 0xf0) lock = true;
    else if (b === 0xf3) rep = REP_E;
    else if (b === 0xf2) rep = REP_NE;
    else if (SEG_PREFIX[b] !== undefined) seg = SEG_PREFIX[b];
    else break;
    b = next();
  }
  let index = b;
  if (b === 0x0f) index = 0x100 | next();
  const entry = PRIMARY[index];
  if (entry === undefined) raise(UD);
  let op: OpInfo | null;
  let modrm = -1;
  if (Array.isArray(entry)) {
    modrm = next();
    op = entry[(modrm >> 3) & 7];
    if (op === null) raise(UD);
  } else {
    op = entry;
    if (op.modrm) modrm = next();
  }
  const i = out;
  i.op = op;
  i.code32 = code32;
  i.o32 = o32;
  i.a32 = a32;
  i.segOverride = seg;
  i.rep = rep;
  i.lock = lock;
  i.opcode = index & 0xff;
  i.base = -1;
  i.index = -1;
  i.scale = 0;
  i.disp = 0;
  i.imm = 0;
  i.imm2 = 0;
  let defaultSeg = SEG_DS;
  if (modrm >= 0) {
    const mod = modrm >> 6, rm = modrm & 7;
    i.mod = mod;
    i.reg = (modrm >> 3) & 7;
    i.rm = rm;
    if (mod !== 3 && !isRegisterOnly(op)) {
      if (a32) {
        if (rm === 4) {
          const sib = next();
          const base = sib & 7, idx = (sib >> 3) & 7;
          i.scale = sib >> 6;
          i.index = idx === ESP ? -1 : idx;
          if (base === EBP && mod === 0) {
            i.disp = next() | next() << 8 | next() << 16 | next() << 24;
          } else {
            i.base = base;
            if (base === EBP || base === ESP) defaultSeg = SEG_SS;
          }
        } else if (rm === EBP && mod === 0) {
          i.disp = next() | next() << 8 | next() << 16 | next() << 24;
        } else {
          i.base = rm;
          if (rm === EBP) defaultSeg = SEG_SS;
        }
        if (mod === 1) i.disp = (next() << 24) >> 24;
        else if (mod === 2) i.disp = next() | next() << 8 | next() << 16 | next() << 24;
      } else {
        if (rm === 6 && mod === 0) {
          i.disp = next() | next() << 8;
        } else {
          i.base = RM16_BASE[rm];
          i.index = RM16_INDEX[rm];
          if (i.base === EBP) defaultSeg = SEG_SS;
        }
        if (mod === 1) i.disp = (next() << 24) >> 24;
        else if (mod === 2) i.disp = ((next() | next() << 8) << 16) >> 16;
      }
    }
  } else {
    i.mod = 3;
    i.reg = 0;
    i.rm = index & 7;
  }
  i.seg = seg >= 0 ? seg : defaultSeg;
  const ops = op.operands;
  let memory = false;
  for (let n = 0; n < ops.length; n++) {
    const spec = ops[n];
    const size = resolveSize(spec.size, o32);
    if (n === 0) i.size1 = size;
    else if (n === 1) i.size2 = size;
    else i.size3 = size;
    switch (spec.kind) {
      case K_E:
        if (i.mod !== 3) memory = true;
        break;
      case K_M:
        if (i.mod === 3) raise(UD);
        memory = true;
        break;
      case K_S:
        if (i.reg > 5 || (n === 0 && i.reg === 1)) raise(UD);
        break;
      case K_C:
        if (i.reg === 1 || i.reg > 4) raise(UD);
        break;
      case K_D:
        break;
      case K_I:
      case K_I2: {
        const v = spec.size === SZ_B
          ? (next() << 24) >> 24
          : spec.size === SZ_W
          ? next() | next() << 8
          : size === 2
          ? next() | next() << 8
          : next() | next() << 8 | next() << 16 | next() << 24;
        if (spec.kind === K_I) i.imm = v;
        else i.imm2 = spec.size === SZ_B ? v & 0xff : v;
        break;
      }
      case K_J:
        i.imm = spec.size === SZ_B
          ? (next() << 24) >> 24
          : o32
          ? next() | next() << 8 | next() << 16 | next() << 24
          : ((next() | next() << 8) << 16) >> 16;
        break;
      case K_O:
        i.disp = a32 ? next() | next() << 8 | next() << 16 | next() << 24 : next() | next() << 8;
        i.mod = 0;
        memory = true;
        break;
      case K_A:
        i.imm = o32 ? next() | next() << 8 | next() << 16 | next() << 24 : next() | next() << 8;
        i.imm2 = next() | next() << 8;
        break;
    }
  }
  if (lock && (!memory || (op.flags & F_LOCK) === 0)) raise(UD);
  i.length = pos - eip;
  return i;
}

/** Rows whose ModRM r/m always names a register, whatever mod says (mov to/from CRn, DRn). */
function isRegisterOnly(op: OpInfo): boolean {
  return op.operands.some((o) => o.kind === K_C || o.kind === K_D);
}
