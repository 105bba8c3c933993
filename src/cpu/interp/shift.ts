/**
 * Shifts and rotates (SDM vol. 2 ROL/ROR/RCL/RCR, SAL/SAR/SHL/SHR, SHLD, SHRD; vol. 1 §7.3.5):
 * group 2 (C0, C1, D0–D3: rol, ror, rcl, rcr, shl, shr, sal, sar by 1, CL or Ib) and 0F A4/A5
 * (shld) and 0F AC/AD (shrd). The count is masked to 5 bits and a masked count of 0 changes
 * neither the operand nor any flag. Shifts write the lazy-flag record; rotates and double shifts
 * set CF and OF (and for double shifts SF, ZF, PF) eagerly. Every handler writes its operand
 * before touching the flags, so a write fault leaves them as they were.
 *
 * Where the SDM leaves a result undefined, this file does the following:
 * - OF after a count other than 1: the count-1 formula applied to the result;
 * - AF after a non-zero shift count: cleared;
 * - CF of shl/shr when the count is at least the operand width: what the formula gives (0);
 * - shld/shrd on 16-bit operands with a count above 16: the operand is treated as the 48-bit
 *   pattern dest:src:dest, flags by the same rules.
 */

import { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import { ARITH_FLAGS, CF, LAZY_SAR, LAZY_SHL, LAZY_SHR, OF, parityOf, SF, ZF } from "../flags.ts";
import type { OpInfo } from "../decode/op_info.ts";
import { K_I, K_ONE, K_REG } from "../decode/operand.ts";
import { ECX } from "../state.ts";
import type { FactoryTable, Handler, HandlerTable } from "./handler.ts";
import { readOperand } from "./operands.ts";

/** Shift counts are masked to this many low bits (SDM: COUNTMASK for non-64-bit operands). */
const COUNT_MASK = 0x1f;

/** Unsigned mask of an operand size in bytes. */
function maskOf(size: number): number {
  return size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
}

/** Replaces CF and OF, keeping the other flags (materialising a pending lazy record). */
function setCarryOverflow(cpu: Cpu, cf: number, of: number): void {
  const f = cpu.getFlags() & ~(CF | OF);
  cpu.setFlags(f | (cf !== 0 ? CF : 0) | (of !== 0 ? OF : 0));
}

/**
 * One group-2 operation: given the operand `u` (unsigned, i32 for 32 bits), the masked non-zero
 * count and the size, it writes the result with `cpu.writeE` and then sets the flags.
 */
type GroupOp = (cpu: Cpu, i: Instr, u: number, count: number, size: number) => void;

/** Group 2 form: reads the count (operand 2) and the operand, then applies `op`. */
function group2(op: GroupOp) {
  return (cpu: Cpu, i: Instr): void => {
    const size = i.size1;
    const count = readOperand(cpu, i, 1, 1) & COUNT_MASK;
    const u = cpu.readE(i, size);
    if (count !== 0) op(cpu, i, u, count, size);
  };
}

const rol: GroupOp = (cpu, i, u, count, size) => {
  const bits = size * 8;
  const n = count % bits;
  const r = Cpu.mask(n === 0 ? u : (u << n) | ((u & maskOf(size)) >>> (bits - n)), size);
  cpu.writeE(i, size, r);
  const cf = r & 1;
  setCarryOverflow(cpu, cf, ((r >>> (bits - 1)) & 1) ^ cf);
};

const ror: GroupOp = (cpu, i, u, count, size) => {
  const bits = size * 8;
  const n = count % bits;
  const m = u & maskOf(size);
  const r = Cpu.mask(n === 0 ? m : (m >>> n) | (m << (bits - n)), size);
  cpu.writeE(i, size, r);
  const cf = (r >>> (bits - 1)) & 1;
  setCarryOverflow(cpu, cf, cf ^ ((r >>> (bits - 2)) & 1));
};

/** rcl: rotates the (bits+1)-bit value CF:operand left; the count is taken mod 9/17 for 8/16. */
const rcl: GroupOp = (cpu, i, u, count, size) => {
  const bits = size * 8;
  const n = size === 4 ? count : count % (bits + 1);
  const m = u & maskOf(size);
  let cf = cpu.cf() ? 1 : 0;
  let r = m;
  if (n !== 0) {
    // Bits leaving the top: the last one becomes CF, the others (and the old CF) enter below.
    const out = n === bits ? m : m >>> (bits - n);
    const enter = n === 1 ? cf : (cf << (n - 1)) | (out >>> 1);
    r = Cpu.mask((n === bits ? 0 : m << n) | enter, size);
    cf = out & 1;
  }
  cpu.writeE(i, size, r);
  setCarryOverflow(cpu, cf, ((r >>> (bits - 1)) & 1) ^ cf);
};

/** rcr: rotates the (bits+1)-bit value operand:CF right; OF is computed before the rotation. */
const rcr: GroupOp = (cpu, i, u, count, size) => {
  const bits = size * 8;
  const n = size === 4 ? count : count % (bits + 1);
  const m = u & maskOf(size);
  let cf = cpu.cf() ? 1 : 0;
  const of = ((m >>> (bits - 1)) & 1) ^ cf;
  let r = m;
  if (n !== 0) {
    // The low n-1 bits wrap round above the old CF; bit n-1 becomes CF.
    const wrapped = n === 1 ? 0 : (m & ((1 << (n - 1)) - 1)) << (bits - n + 1);
    r = Cpu.mask((n === bits ? 0 : m >>> n) | (cf << (bits - n)) | wrapped, size);
    cf = (m >>> (n - 1)) & 1;
  }
  cpu.writeE(i, size, r);
  setCarryOverflow(cpu, cf, of);
};

const shl: GroupOp = (cpu, i, u, count, size) => {
  const m = u & maskOf(size);
  const r = count >= size * 8 ? 0 : Cpu.mask(m << count, size);
  cpu.writeE(i, size, r);
  cpu.setLazy(LAZY_SHL, m, count, r, size * 8);
};

const shr: GroupOp = (cpu, i, u, count, size) => {
  const m = u & maskOf(size);
  const r = count >= size * 8 ? 0 : Cpu.mask(m >>> count, size);
  cpu.writeE(i, size, r);
  cpu.setLazy(LAZY_SHR, m, count, r, size * 8);
};

const sar: GroupOp = (cpu, i, u, count, size) => {
  const r = Cpu.mask(Cpu.signExtend(u, size) >> count, size);
  cpu.writeE(i, size, r);
  cpu.setLazy(LAZY_SAR, u & maskOf(size), count, r, size * 8);
};

/** shld/shrd: destination E, source G, count operand 3 (Ib or CL). */
function doubleShift(left: boolean) {
  return (cpu: Cpu, i: Instr): void => {
    const size = i.size1;
    const count = readOperand(cpu, i, 2, 1) & COUNT_MASK;
    const d = cpu.readE(i, size);
    if (count === 0) return;
    const s = cpu.readReg(i.reg, size);
    let r: number, cf: number;
    if (size === 4) {
      if (left) {
        r = (d << count) | (s >>> (32 - count));
        cf = (d >>> (32 - count)) & 1;
      } else {
        r = (d >>> count) | (s << (32 - count));
        cf = (d >>> (count - 1)) & 1;
      }
    } else {
      // x = dest:src:dest as a 48-bit number (exact in a double); shift a 16-bit window over it.
      const x = d * 2 ** 32 + (((s << 16) | d) >>> 0);
      if (left) {
        r = Math.floor(x / 2 ** (32 - count)) & 0xffff;
        cf = Math.floor(x / 2 ** (48 - count)) & 1;
      } else {
        r = Math.floor(x / 2 ** count) & 0xffff;
        cf = Math.floor(x / 2 ** (count - 1)) & 1;
      }
    }
    r = Cpu.mask(r, size);
    cpu.writeE(i, size, r);
    const signBit = size * 8 - 1;
    let f = parityOf(r) | (r === 0 ? ZF : 0) | (((r >>> signBit) & 1) !== 0 ? SF : 0);
    if (cf !== 0) f |= CF;
    if ((((r ^ d) >>> signBit) & 1) !== 0) f |= OF;
    cpu.setFlags((cpu.getFlags() & ~ARITH_FLAGS) | f);
  };
}

/** Handlers of this family. */
export const SHIFT_HANDLERS: HandlerTable = {
  rol: group2(rol),
  ror: group2(ror),
  rcl: group2(rcl),
  rcr: group2(rcr),
  shl: group2(shl),
  sal: group2(shl),
  shr: group2(shr),
  sar: group2(sar),
  shld: doubleShift(true),
  shrd: doubleShift(false),
};

/**
 * Applies the group-2 operation selected by ModRM reg (`which`). The calls are direct, unlike
 * `group2`'s, so each operation can be inlined into the specialised handlers.
 */
function applyGroup2(
  which: number,
  cpu: Cpu,
  i: Instr,
  u: number,
  count: number,
  size: number,
): void {
  switch (which) {
    case 0:
      return rol(cpu, i, u, count, size);
    case 1:
      return ror(cpu, i, u, count, size);
    case 2:
      return rcl(cpu, i, u, count, size);
    case 3:
      return rcr(cpu, i, u, count, size);
    case 5:
      return shr(cpu, i, u, count, size);
    case 7:
      return sar(cpu, i, u, count, size);
    default: // 4 shl, 6 sal
      return shl(cpu, i, u, count, size);
  }
}

/** A group-2 row's operand is read (and may fault) even when the masked count is 0. */
function runGroup2(which: number, cpu: Cpu, i: Instr, count: number): void {
  const size = i.size1;
  const u = cpu.readE(i, size);
  if (count !== 0) applyGroup2(which, cpu, i, u, count, size);
}

/** A group-2 row specialised to its count operand (Ib, 1 or CL). */
function group2Form(row: OpInfo): Handler | undefined {
  const which = row.groupReg;
  switch (row.operands[1].kind) {
    case K_I:
      return (cpu, i) => runGroup2(which, cpu, i, i.imm & COUNT_MASK);
    case K_ONE:
      return (cpu, i) => runGroup2(which, cpu, i, 1);
    case K_REG:
      return (cpu, i) => runGroup2(which, cpu, i, cpu.reg8(ECX) & COUNT_MASK);
  }
  return undefined;
}

/** Handlers specialised per operand form, for the rows of this family that have them. */
export const SHIFT_FACTORIES: FactoryTable = {
  rol: group2Form,
  ror: group2Form,
  rcl: group2Form,
  rcr: group2Form,
  shl: group2Form,
  sal: group2Form,
  shr: group2Form,
  sar: group2Form,
};
