/** The physical memory map every loader reports to its guest (multiboot mmap, Linux e820). */

import {
  BIOS_AREA_START,
  CONVENTIONAL_END,
  HIGH_MEMORY_START,
  LEGACY_HOLE_START,
} from "./layout.ts";

/** e820 / multiboot type of RAM the guest may use. */
export const MEMORY_AVAILABLE = 1;
/** e820 / multiboot type of reserved memory. */
export const MEMORY_RESERVED = 2;

/** One range of the memory map. */
export interface MemoryRange {
  /** First byte. */
  base: number;
  /** Length in bytes (never 0). */
  length: number;
  /** MEMORY_AVAILABLE or MEMORY_RESERVED. */
  type: number;
}

/**
 * The memory map of a guest with `ramSize` bytes of RAM: conventional memory, the reserved
 * EBDA, the reserved BIOS area, then extended memory up to the end of RAM.
 *
 * @param ramSize guest RAM in bytes (at least 1 MiB).
 * @returns the ranges in ascending order, empty ones left out.
 */
export function guestMemoryMap(ramSize: number): MemoryRange[] {
  const ranges: MemoryRange[] = [
    { base: 0, length: CONVENTIONAL_END, type: MEMORY_AVAILABLE },
    { base: CONVENTIONAL_END, length: LEGACY_HOLE_START - CONVENTIONAL_END, type: MEMORY_RESERVED },
    { base: BIOS_AREA_START, length: HIGH_MEMORY_START - BIOS_AREA_START, type: MEMORY_RESERVED },
    { base: HIGH_MEMORY_START, length: ramSize - HIGH_MEMORY_START, type: MEMORY_AVAILABLE },
  ];
  return ranges.filter((r) => r.length > 0);
}

/**
 * Rounds `n` up to a multiple of `align` (a power of two).
 * @param n a byte address.
 * @param align the alignment.
 * @returns the aligned address.
 */
export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
