/**
 * Control and debug registers (SDM vol. 3 §2.5, §17.2): the CR0 consistency rules and the TLB
 * flushes a CR0, CR3 or CR4 write implies, the CR4 bits this CPU implements (the same mask the
 * CPUID feature bits advertise), and the DR6/DR7 fixed bits.
 */

import { type Cpu, CR0_CD, CR0_ET, CR0_NW, CR0_PE, CR0_PG, CR0_WP } from "./cpu.ts";
import { GP, raise } from "./fault.ts";
import { CR4_PGE, CR4_PSE } from "./mmu.ts";
import { OFF_CR0, OFF_CR2, OFF_CR3, OFF_CR4, OFF_DR } from "./state.ts";

/** CR4.VME: virtual-8086 mode extensions (not implemented). */
export const CR4_VME = 1 << 0;
/** CR4.PVI: protected-mode virtual interrupts (not implemented). */
export const CR4_PVI = 1 << 1;
/** CR4.TSD: rdtsc is privileged. */
export const CR4_TSD = 1 << 2;
/** CR4.DE: debugging extensions (DR4/DR5 raise #UD). */
export const CR4_DE = 1 << 3;
/** CR4.PCE: rdpmc allowed at any privilege level. */
export const CR4_PCE = 1 << 8;
export { CR4_PGE, CR4_PSE };

/** The CR4 bits this CPU implements; setting any other bit raises #GP(0). */
export const CR4_SUPPORTED = CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE | CR4_PCE;

/** CPUID.1:EDX.DE: debugging extensions (CR4.DE). */
export const CPUID_EDX_DE = 1 << 2;
/** CPUID.1:EDX.PSE: 4 MiB pages (CR4.PSE). */
export const CPUID_EDX_PSE = 1 << 3;
/** CPUID.1:EDX.TSC: rdtsc and CR4.TSD. */
export const CPUID_EDX_TSC = 1 << 4;
/** CPUID.1:EDX.PGE: global pages (CR4.PGE). */
export const CPUID_EDX_PGE = 1 << 13;
/** CPUID.1:EDX feature bits that correspond to the implemented CR4 bits. */
export const CPUID_EDX_CR4_FEATURES = CPUID_EDX_DE | CPUID_EDX_PSE | CPUID_EDX_TSC | CPUID_EDX_PGE;

/** CR0 bits that are kept when written (the others read as zero, ET reads as one). */
const CR0_WRITABLE = 0xe005003f;
/** Bits of CR0 whose change invalidates cached translations or the cached mode. */
const CR0_FLUSH = CR0_PG | CR0_PE | CR0_WP;
/** DR6 bits that read as one whatever was written. */
const DR6_FIXED_ONE = 0xffff0ff0 | 0;
/** DR6 bits software can write: B0–B3, BD, BS, BT. */
const DR6_WRITABLE = 0xe00f;
/** DR7 bit 10 reads as one. */
const DR7_FIXED_ONE = 1 << 10;
/** DR7 bits software can write (bits 11, 12, 14, 15 are reserved as zero). */
const DR7_WRITABLE = 0xffff23ff | 0;

/**
 * Reads control register `n` (0, 2, 3 or 4).
 * @param cpu the CPU
 * @param n the register number
 * @returns its value as an i32
 */
export function readCr(cpu: Cpu, n: number): number {
  const off = n === 0 ? OFF_CR0 : n === 2 ? OFF_CR2 : n === 3 ? OFF_CR3 : OFF_CR4;
  return cpu.i32[off >> 2];
}

/**
 * Writes CR0 with the SDM's checks: PG without PE, or NW without CD, raises #GP(0). A change of
 * PG, PE or WP flushes the TLB and refreshes the cached mode.
 * @param cpu the CPU
 * @param value the new CR0
 */
export function writeCr0(cpu: Cpu, value: number): void {
  const v = ((value & CR0_WRITABLE) | CR0_ET) | 0;
  if ((v & CR0_PG) !== 0 && (v & CR0_PE) === 0) raise(GP, 0);
  if ((v & CR0_NW) !== 0 && (v & CR0_CD) === 0) raise(GP, 0);
  const old = cpu.cr0;
  cpu.i32[OFF_CR0 >> 2] = v;
  if (((old ^ v) & CR0_FLUSH) !== 0) {
    cpu.mmu.flushAll();
    cpu.refreshMode();
    cpu.requestStop();
  }
}

/**
 * Writes control register `n`: CR0 through `writeCr0`, CR2 as is, CR3 with a flush of
 * non-global translations, CR4 (a bit outside `CR4_SUPPORTED` raises #GP(0)) with a full flush
 * when PSE or PGE changes.
 * @param cpu the CPU
 * @param n the register number (0, 2, 3, 4)
 * @param value the value to write
 */
export function writeCr(cpu: Cpu, n: number, value: number): void {
  switch (n) {
    case 0:
      writeCr0(cpu, value);
      return;
    case 2:
      cpu.i32[OFF_CR2 >> 2] = value;
      return;
    case 3:
      cpu.i32[OFF_CR3 >> 2] = value & ~0xfe7;
      cpu.mmu.flushNonGlobal();
      return;
    default: {
      if ((value & ~CR4_SUPPORTED) !== 0) raise(GP, 0);
      const old = cpu.i32[OFF_CR4 >> 2];
      cpu.i32[OFF_CR4 >> 2] = value;
      if (((old ^ value) & (CR4_PSE | CR4_PGE)) !== 0) cpu.mmu.flushAll();
    }
  }
}

/** CR4 as stored. */
export function readCr4(cpu: Cpu): number {
  return cpu.i32[OFF_CR4 >> 2];
}

/**
 * Reads debug register `n` (4 and 5 alias 6 and 7; the caller raises #UD for them when CR4.DE).
 * @param cpu the CPU
 * @param n 0–7
 * @returns the register's value with its fixed bits
 */
export function readDr(cpu: Cpu, n: number): number {
  const r = n === 4 ? 6 : n === 5 ? 7 : n;
  const v = cpu.i32[(OFF_DR >> 2) + r];
  if (r === 6) return (v & DR6_WRITABLE) | DR6_FIXED_ONE;
  if (r === 7) return (v & DR7_WRITABLE) | DR7_FIXED_ONE;
  return v;
}

/**
 * Writes debug register `n` (4 and 5 alias 6 and 7).
 * @param cpu the CPU
 * @param n 0–7
 * @param value the value to write
 */
export function writeDr(cpu: Cpu, n: number, value: number): void {
  const r = n === 4 ? 6 : n === 5 ? 7 : n;
  cpu.i32[(OFF_DR >> 2) + r] = r === 6
    ? value & DR6_WRITABLE
    : r === 7
    ? (value & DR7_WRITABLE) | DR7_FIXED_ONE
    : value;
}

/** DR6.BS: the #DB was a single-step trap. */
export const DR6_BS = 1 << 14;

/**
 * Sets bits in DR6 (the processor's side of reporting a debug exception).
 * @param cpu the CPU
 * @param bits DR6 bits to set
 */
export function setDr6Bits(cpu: Cpu, bits: number): void {
  cpu.i32[(OFF_DR >> 2) + 6] |= bits & DR6_WRITABLE;
}
