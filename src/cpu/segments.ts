/**
 * Segment register loads (SDM vol. 3 §3.4–3.5, §5.5–5.8): real-mode and virtual-8086 loads
 * (base = selector × 16), protected-mode descriptor fetch from the GDT or LDT, type, privilege
 * and presence checks with their #GP/#SS/#NP error codes, and the accessed bit.
 */

import {
  ATTR_ACCESSED,
  ATTR_CODE,
  ATTR_DC,
  ATTR_DPL_SHIFT,
  ATTR_G,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  ATTRS_REAL_DATA,
  type Cpu,
} from "./cpu.ts";
import { GP, NP, raise, SS_FAULT } from "./fault.ts";
import { CS, OFF_GDTR_BASE, OFF_GDTR_LIMIT, OFF_LDTR, SEG_BASE, SEG_LIMIT, SS } from "./state.ts";

/** A descriptor as read from a table: its two dwords and its linear address. */
export interface Descriptor {
  /** Low dword. */
  lo: number;
  /** High dword. */
  hi: number;
  /** Linear address of the descriptor in its table. */
  addr: number;
}

/** Base address encoded in a descriptor. */
export function descBase(d: Descriptor): number {
  return ((d.lo >>> 16) | ((d.hi & 0xff) << 16) | (d.hi & 0xff000000)) | 0;
}
/** Byte-granular limit encoded in a descriptor. */
export function descLimit(d: Descriptor): number {
  const raw = (d.lo & 0xffff) | (d.hi & 0xf0000);
  return (d.hi & (ATTR_G << 8)) !== 0 ? ((raw << 12) | 0xfff) >>> 0 : raw;
}
/** Attributes (descriptor bits 40–55) in the segment-cache format. */
export function descAttrs(d: Descriptor): number {
  return (d.hi >>> 8) & 0xf0ff;
}
/** DPL of a descriptor. */
export function descDpl(d: Descriptor): number {
  return (d.hi >>> 13) & 3;
}

/**
 * Reads the descriptor named by `selector` from the GDT or LDT, or returns null when it lies
 * beyond the table's limit.
 */
export function readDescriptor(cpu: Cpu, selector: number): Descriptor | null {
  let base: number, limit: number;
  if ((selector & 4) !== 0) {
    base = cpu.i32[(OFF_LDTR + SEG_BASE) >> 2];
    limit = cpu.i32[(OFF_LDTR + SEG_LIMIT) >> 2] >>> 0;
    if ((cpu.i32[OFF_LDTR >> 2] & 0xfffc) === 0) return null;
  } else {
    base = cpu.i32[OFF_GDTR_BASE >> 2];
    limit = cpu.i32[OFF_GDTR_LIMIT >> 2] & 0xffff;
  }
  const off = selector & 0xfff8;
  if (off + 7 > limit) return null;
  const addr = (base + off) | 0;
  return { lo: cpu.mmu.readSystem(addr, 4), hi: cpu.mmu.readSystem((addr + 4) | 0, 4), addr };
}

/** Sets the accessed bit of a code or data descriptor in memory if it is clear. */
export function setAccessed(cpu: Cpu, d: Descriptor): void {
  if ((d.hi & (ATTR_ACCESSED << 8)) === 0) {
    d.hi |= ATTR_ACCESSED << 8;
    cpu.mmu.writeSystem((d.addr + 5) | 0, 1, (d.hi >>> 8) & 0xff);
  }
}

/** Loads segment register `s` (not CS) with `selector`, with the checks of `mov sreg`/`pop sreg`. */
export function loadSegment(cpu: Cpu, s: number, selector: number): void {
  selector &= 0xffff;
  if (!cpu.protectedMode) {
    const vm86 = cpu.vm86;
    const attrs = vm86 ? ATTRS_REAL_DATA | (3 << ATTR_DPL_SHIFT) : cpu.segAttrs(s) | ATTR_P;
    const limit = vm86 ? 0xffff : cpu.segLimit(s);
    cpu.setSegmentCache(s, selector, selector << 4, limit, s === CS ? attrs | ATTR_CODE : attrs);
    return;
  }
  const rpl = selector & 3;
  const cpl = cpu.cpl;
  if ((selector & 0xfffc) === 0) {
    if (s === SS) raise(GP, 0);
    cpu.setSegmentCache(s, selector, 0, 0, 0);
    return;
  }
  const d = readDescriptor(cpu, selector);
  if (d === null) raise(GP, selector & 0xfffc);
  const attrs = descAttrs(d);
  const dpl = descDpl(d);
  const code = (attrs & ATTR_CODE) !== 0;
  if ((attrs & ATTR_S) === 0) raise(GP, selector & 0xfffc);
  if (s === SS) {
    if (code || (attrs & ATTR_RW) === 0 || rpl !== cpl || dpl !== cpl) raise(GP, selector & 0xfffc);
    if ((attrs & ATTR_P) === 0) raise(SS_FAULT, selector & 0xfffc);
  } else {
    if (code && (attrs & ATTR_RW) === 0) raise(GP, selector & 0xfffc);
    const conforming = code && (attrs & ATTR_DC) !== 0;
    if (!conforming && (rpl > dpl || cpl > dpl)) raise(GP, selector & 0xfffc);
    if ((attrs & ATTR_P) === 0) raise(NP, selector & 0xfffc);
  }
  setAccessed(cpu, d);
  cpu.setSegmentCache(s, selector, descBase(d), descLimit(d), descAttrs(d));
}

/**
 * Loads CS for a far jump, call or return to the same privilege level (or a conforming
 * segment), in any mode. Privilege-changing transfers are handled by their instructions.
 */
export function loadCodeSegment(cpu: Cpu, selector: number, newCpl: number): void {
  selector &= 0xffff;
  if (!cpu.protectedMode) {
    const attrs = cpu.vm86
      ? ATTRS_REAL_DATA | ATTR_CODE | (3 << ATTR_DPL_SHIFT)
      : (cpu.segAttrs(CS) | ATTR_P | ATTR_CODE);
    cpu.setSegmentCache(CS, selector, selector << 4, cpu.vm86 ? 0xffff : cpu.segLimit(CS), attrs);
    return;
  }
  if ((selector & 0xfffc) === 0) raise(GP, 0);
  const d = readDescriptor(cpu, selector);
  if (d === null) raise(GP, selector & 0xfffc);
  const attrs = descAttrs(d);
  if ((attrs & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE)) raise(GP, selector & 0xfffc);
  const dpl = descDpl(d);
  if ((attrs & ATTR_DC) !== 0 ? dpl > newCpl : dpl !== newCpl) raise(GP, selector & 0xfffc);
  if ((attrs & ATTR_P) === 0) raise(NP, selector & 0xfffc);
  setAccessed(cpu, d);
  cpu.setSegmentCache(CS, (selector & ~3) | newCpl, descBase(d), descLimit(d), descAttrs(d));
  cpu.cpl = newCpl;
}
