/**
 * Atomic exchange-and-operate instructions (SDM vol. 2 XADD, CMPXCHG, CMPXCHG8B): 0F C0/C1
 * (xadd), 0F B0/B1 (cmpxchg) and 0F C7 /1 (cmpxchg8b Mq). One CPU runs at a time, so LOCK needs
 * no extra work; a memory destination is always written (with its old value when a compare
 * fails), as the processor does, and the write comes before any register changes.
 */

import { LAZY_ADD, LAZY_SUB, ZF } from "../flags.ts";
import { ACCESS_WRITE } from "../mmu.ts";
import { EAX, EBX, ECX, EDX } from "../state.ts";
import type { HandlerTable } from "./handler.ts";

function fit(v: number, size: number): number {
  return size === 4 ? v | 0 : v & (size === 2 ? 0xffff : 0xff);
}

/** Handlers of this family. */
export const EXCHANGE_HANDLERS: HandlerTable = {
  xadd(cpu, i) {
    const size = i.size1;
    const dest = cpu.readE(i, size);
    const src = cpu.readReg(i.reg, size);
    const sum = fit(dest + src, size);
    if (i.mod === 3) {
      // SRC ← DEST, then DEST ← sum (so `xadd eax, eax` leaves the sum).
      cpu.writeReg(i.reg, size, dest);
      cpu.writeReg(i.rm, size, sum);
    } else {
      cpu.writeE(i, size, sum);
      cpu.writeReg(i.reg, size, dest);
    }
    cpu.setLazy(LAZY_ADD, dest, src, sum, size * 8);
  },
  cmpxchg(cpu, i) {
    const size = i.size1;
    const dest = cpu.readE(i, size);
    const acc = cpu.readReg(EAX, size);
    const equal = fit(acc - dest, size) === 0;
    if (equal) cpu.writeE(i, size, cpu.readReg(i.reg, size));
    else {
      if (i.mod !== 3) cpu.writeE(i, size, dest);
      cpu.writeReg(EAX, size, dest);
    }
    cpu.setLazy(LAZY_SUB, acc, dest, fit(acc - dest, size), size * 8);
  },
  cmpxchg8b(cpu, i) {
    const off = cpu.effAddr(i);
    const hiOff = i.a32 ? (off + 4) | 0 : (off + 4) & 0xffff;
    // Check both halves for writing before anything is stored (the write is unconditional).
    const lin = cpu.linear(i.seg, off, 4, true);
    const hiLin = cpu.linear(i.seg, hiOff, 4, true);
    const lo = cpu.readSeg(i.seg, off, 4);
    const hi = cpu.readSeg(i.seg, hiOff, 4);
    cpu.mmu.translate(lin, ACCESS_WRITE);
    cpu.mmu.translate((hiLin + 3) | 0, ACCESS_WRITE);
    const equal = lo === cpu.reg32(EAX) && hi === cpu.reg32(EDX);
    if (equal) {
      cpu.writeSeg(i.seg, off, 4, cpu.reg32(EBX));
      cpu.writeSeg(i.seg, hiOff, 4, cpu.reg32(ECX));
    } else {
      cpu.writeSeg(i.seg, off, 4, lo);
      cpu.writeSeg(i.seg, hiOff, 4, hi);
      cpu.setReg32(EAX, lo);
      cpu.setReg32(EDX, hi);
    }
    cpu.setArithBits(ZF, equal);
  },
};
