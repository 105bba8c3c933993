/**
 * Multiply and divide (SDM vol. 2 MUL, IMUL, DIV, IDIV; vol. 1 §7.3.2): group 3 (F6/F7 /4–/7:
 * mul, imul1, div, idiv), 0F AF (imul2 Gv,Ev) and 69/6B (imul3 Gv,Ev,Iz/Ib).
 *
 * Multiplies set CF = OF when the product does not fit the destination (the upper half is not
 * zero for mul, not the sign extension of the lower half for imul); SF, ZF, AF and PF are
 * undefined, and here follow the low half of the product (AF cleared). Divides raise #DE on a
 * zero divisor or a quotient that does not fit, before any register changes; all six flags are
 * undefined after a divide and are left unchanged here.
 */

import { Cpu } from "../cpu.ts";
import { DE, raise } from "../fault.ts";
import { ARITH_FLAGS, CF, OF, parityOf, SF, ZF } from "../flags.ts";
import { EAX, EDX } from "../state.ts";
import type { HandlerTable } from "./handler.ts";
import { readOperand } from "./operands.ts";

/** High 32 bits of the unsigned 64-bit product of two 32-bit values (as u32). */
export function mulHighU32(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const lo = al * bl;
  const mid1 = ah * bl, mid2 = al * bh;
  const carry = Math.floor(((lo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) / 0x10000);
  return (ah * bh + Math.floor(mid1 / 0x10000) + Math.floor(mid2 / 0x10000) + carry) >>> 0;
}

/** High 32 bits of the signed 64-bit product of two 32-bit values (as i32). */
export function mulHighS32(a: number, b: number): number {
  let hi = mulHighU32(a, b);
  if ((a | 0) < 0) hi -= b >>> 0;
  if ((b | 0) < 0) hi -= a >>> 0;
  return hi | 0;
}

/** Sets the flags of a multiply: CF = OF = `overflow`, SF/ZF/PF from the low half `low`. */
function setMulFlags(cpu: Cpu, low: number, size: number, overflow: boolean): void {
  const v = Cpu.mask(low, size);
  let f = parityOf(v) | (v === 0 ? ZF : 0) | (((v >>> (size * 8 - 1)) & 1) !== 0 ? SF : 0);
  if (overflow) f |= CF | OF;
  cpu.setFlags((cpu.getFlags() & ~ARITH_FLAGS) | f);
}

/** Signed multiply of Gv-sized values truncated to `size`, with the overflow test of imul2/3. */
function imulTruncated(cpu: Cpu, a: number, b: number, size: number): number {
  if (size === 4) {
    const low = Math.imul(a, b);
    setMulFlags(cpu, low, 4, mulHighS32(a, b) !== low >> 31);
    return low;
  }
  const p = Cpu.signExtend(a, size) * Cpu.signExtend(b, size);
  const low = Cpu.mask(p, size);
  setMulFlags(cpu, low, size, Cpu.signExtend(low, size) !== p);
  return low;
}

/** Handlers of this family. */
export const MULDIV_HANDLERS: HandlerTable = {
  mul(cpu, i) {
    const size = i.size1;
    const src = cpu.readE(i, size);
    if (size === 1) {
      const p = cpu.reg8(EAX) * src;
      cpu.setReg16(EAX, p);
      setMulFlags(cpu, p, 1, p > 0xff);
    } else if (size === 2) {
      const p = cpu.reg16(EAX) * src;
      cpu.setReg16(EAX, p);
      cpu.setReg16(EDX, p >>> 16);
      setMulFlags(cpu, p, 2, p > 0xffff);
    } else {
      const a = cpu.reg32(EAX);
      const hi = mulHighU32(a, src);
      const lo = Math.imul(a, src);
      cpu.setReg32(EAX, lo);
      cpu.setReg32(EDX, hi);
      setMulFlags(cpu, lo, 4, hi !== 0);
    }
  },
  imul1(cpu, i) {
    const size = i.size1;
    const src = cpu.readE(i, size);
    if (size === 1) {
      const p = ((cpu.reg8(EAX) << 24) >> 24) * ((src << 24) >> 24);
      cpu.setReg16(EAX, p & 0xffff);
      setMulFlags(cpu, p, 1, ((p << 24) >> 24) !== p);
    } else if (size === 2) {
      const p = ((cpu.reg16(EAX) << 16) >> 16) * ((src << 16) >> 16);
      cpu.setReg16(EAX, p & 0xffff);
      cpu.setReg16(EDX, (p >> 16) & 0xffff);
      setMulFlags(cpu, p, 2, ((p << 16) >> 16) !== p);
    } else {
      const a = cpu.reg32(EAX);
      const hi = mulHighS32(a, src);
      const lo = Math.imul(a, src);
      cpu.setReg32(EAX, lo);
      cpu.setReg32(EDX, hi);
      setMulFlags(cpu, lo, 4, hi !== lo >> 31);
    }
  },
  imul2(cpu, i) {
    const size = i.size1;
    const b = cpu.readE(i, size);
    cpu.writeReg(i.reg, size, imulTruncated(cpu, cpu.readReg(i.reg, size), b, size));
  },
  imul3(cpu, i) {
    const size = i.size1;
    const a = cpu.readE(i, size);
    const b = readOperand(cpu, i, 2, size);
    cpu.writeReg(i.reg, size, imulTruncated(cpu, a, b, size));
  },
  div(cpu, i) {
    const size = i.size1;
    const d = cpu.readE(i, size) >>> 0;
    if (d === 0) raise(DE);
    if (size === 1) {
      const n = cpu.reg16(EAX);
      const q = Math.floor(n / d);
      if (q > 0xff) raise(DE);
      cpu.setReg16(EAX, ((n % d) << 8) | q);
    } else if (size === 2) {
      const n = cpu.reg16(EDX) * 0x10000 + cpu.reg16(EAX);
      const q = Math.floor(n / d);
      if (q > 0xffff) raise(DE);
      cpu.setReg16(EAX, q);
      cpu.setReg16(EDX, n % d);
    } else {
      const hi = cpu.reg32(EDX) >>> 0, lo = cpu.reg32(EAX) >>> 0;
      if (hi >= d) raise(DE); // the quotient would need more than 32 bits
      let q: number, r: number;
      if (hi === 0) {
        q = Math.floor(lo / d);
        r = lo % d;
      } else {
        const n = (BigInt(hi) << 32n) | BigInt(lo);
        const bd = BigInt(d);
        q = Number(n / bd);
        r = Number(n % bd);
      }
      cpu.setReg32(EAX, q | 0);
      cpu.setReg32(EDX, r | 0);
    }
  },
  idiv(cpu, i) {
    const size = i.size1;
    const d = Cpu.signExtend(cpu.readE(i, size), size);
    if (d === 0) raise(DE);
    if (size === 1) {
      const n = (cpu.reg16(EAX) << 16) >> 16;
      const q = Math.trunc(n / d);
      if (q > 0x7f || q < -0x80) raise(DE);
      cpu.setReg16(EAX, (((n % d) & 0xff) << 8) | (q & 0xff));
    } else if (size === 2) {
      const n = (cpu.reg16(EDX) << 16) | cpu.reg16(EAX);
      const q = Math.trunc(n / d);
      if (q > 0x7fff || q < -0x8000) raise(DE);
      cpu.setReg16(EAX, q & 0xffff);
      cpu.setReg16(EDX, (n % d) & 0xffff);
    } else {
      const hi = cpu.reg32(EDX), lo = cpu.reg32(EAX);
      let q: number, r: number;
      if (hi === lo >> 31) {
        // The dividend fits 32 bits: double arithmetic is exact.
        q = Math.trunc(lo / d);
        r = lo % d;
      } else {
        const n = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
        const bd = BigInt(d);
        const bq = n / bd;
        if (bq > 0x7fffffffn || bq < -0x80000000n) raise(DE);
        q = Number(bq);
        r = Number(n % bd);
      }
      if (q > 0x7fffffff || q < -0x80000000) raise(DE);
      cpu.setReg32(EAX, q | 0);
      cpu.setReg32(EDX, r | 0);
    }
  },
};
