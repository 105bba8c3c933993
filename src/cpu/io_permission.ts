/**
 * The I/O permission check of in, out, ins and outs (SDM vol. 1 §18.5; vol. 3 §20.2.8 for
 * virtual-8086 mode): in protected mode with CPL > IOPL, and always in virtual-8086 mode, every
 * port the access touches must have a clear bit in the TSS I/O permission bitmap, else #GP(0).
 */

import type { Cpu } from "./cpu.ts";
import { GP, raise } from "./fault.ts";
import { IOPL, IOPL_SHIFT } from "./flags.ts";
import { OFF_TR, SEG_ATTRS, SEG_BASE, SEG_LIMIT } from "./state.ts";

/** Offset in a 32-bit TSS of the 16-bit I/O map base. */
export const TSS_IOMAP_BASE = 0x66;
/** Attribute type bits of a 32-bit TSS (available or busy). */
const TSS32_TYPE_BIT = 8;

/**
 * True when the current privilege allows port I/O without consulting the bitmap: real mode, or
 * protected mode with CPL <= IOPL.
 * @param cpu the CPU
 * @returns whether IOPL grants access
 */
export function ioplAllows(cpu: Cpu): boolean {
  if (cpu.vm86) return false;
  if (!cpu.protectedMode) return true;
  return cpu.cpl <= (cpu.rawFlags & IOPL) >>> IOPL_SHIFT;
}

/**
 * Raises #GP(0) unless the access of `size` bytes at `port` is allowed: by IOPL, or by the I/O
 * permission bitmap of the current 32-bit TSS (a 16-bit TSS has none, so it denies).
 * @param cpu the CPU
 * @param port the first port (0–0xFFFF)
 * @param size 1, 2 or 4
 */
export function checkIoPermission(cpu: Cpu, port: number, size: number): void {
  if (ioplAllows(cpu)) return;
  const i32 = cpu.i32;
  const attrs = i32[(OFF_TR + SEG_ATTRS) >> 2];
  const base = i32[(OFF_TR + SEG_BASE) >> 2];
  const limit = i32[(OFF_TR + SEG_LIMIT) >> 2] >>> 0;
  if ((i32[OFF_TR >> 2] & 0xfffc) === 0 || (attrs & TSS32_TYPE_BIT) === 0 || limit < 0x67) {
    raise(GP, 0);
  }
  const mapBase = cpu.mmu.readSystem((base + TSS_IOMAP_BASE) | 0, 2);
  const byteOff = mapBase + (port >>> 3);
  // Two bytes are always read: an access may straddle a byte of the bitmap.
  if (byteOff + 1 > limit) raise(GP, 0);
  const bits = cpu.mmu.readSystem((base + byteOff) | 0, 2);
  const mask = ((1 << size) - 1) << (port & 7);
  if ((bits & mask) !== 0) raise(GP, 0);
}
