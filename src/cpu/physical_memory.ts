/**
 * Guest physical memory: RAM and an optional firmware ROM inside the one shared
 * WebAssembly.Memory that also holds the CPU state and the TLB (DESIGN.md §3).
 */

import { MAX_RAM_PAGES, RAM_BASE } from "./state.ts";

/** Bytes per WebAssembly page. */
const WASM_PAGE = 65536;
/** Largest guest RAM this build accepts (the shared memory must stay under 4 GiB). */
export const MAX_RAM_BYTES = MAX_RAM_PAGES * 4096;

/** Where a guest-physical address lands. */
export type PhysicalKind = "ram" | "rom" | "unassigned";

/** Guest RAM (at physical 0) and ROM (aliased below 4 GiB and at 0xF0000 when loaded). */
export class PhysicalMemory {
  /** The shared memory: CPU state, TLB, then RAM, then ROM. */
  readonly memory: WebAssembly.Memory;
  /** RAM size in bytes (a multiple of 4 KiB). */
  readonly ramSize: number;
  /** ROM bytes, or empty when none is loaded. */
  romSize = 0;
  /** Offset of the ROM copy inside `memory`. */
  readonly romBase: number;
  /** Byte view of the whole shared memory. */
  readonly u8: Uint8Array;
  /** Little-endian view of the whole shared memory, for unaligned access. */
  readonly view: DataView;

  /**
   * Creates physical memory of `ramSize` bytes with room for a ROM of up to `romCapacity` bytes.
   * @param ramSize RAM bytes, rounded up to 4 KiB.
   * @param romCapacity the largest ROM that will be loaded.
   */
  constructor(ramSize: number, romCapacity = 0) {
    if (!Number.isInteger(ramSize) || ramSize < 1024 * 1024 || ramSize > MAX_RAM_BYTES) {
      throw new RangeError(
        `Cannot create guest memory of ${ramSize} bytes: it must be between 1 MiB and 3 GiB`,
      );
    }
    this.ramSize = Math.ceil(ramSize / 4096) * 4096;
    this.romBase = RAM_BASE + this.ramSize;
    const total = this.romBase + Math.ceil(romCapacity / 4096) * 4096;
    const pages = Math.ceil(total / WASM_PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.u8 = new Uint8Array(this.memory.buffer);
    this.view = new DataView(this.memory.buffer);
  }

  /**
   * Copies `rom` in as the firmware image: it answers at the top of the 4 GiB space and, for
   * its last 64 KiB, at 0xF0000 (copied into RAM there, as a shadowed BIOS would be).
   */
  loadRom(rom: Uint8Array): void {
    if (rom.length === 0 || rom.length % 4096 !== 0 || this.romBase + rom.length > this.u8.length) {
      throw new RangeError(
        `Cannot load a ROM of ${rom.length} bytes: it must be a non-empty multiple of 4 KiB that fits the capacity`,
      );
    }
    this.u8.set(rom, this.romBase);
    this.romSize = rom.length;
    const low = rom.subarray(Math.max(0, rom.length - 0x10000));
    this.u8.set(low, RAM_BASE + 0x100000 - low.length);
  }

  /** Classifies a physical address. */
  kind(addr: number): PhysicalKind {
    addr >>>= 0;
    if (addr < this.ramSize) return "ram";
    if (this.romSize !== 0 && addr >= 0x1_0000_0000 - this.romSize) return "rom";
    return "unassigned";
  }

  /**
   * Offset inside `memory` of the 4 KiB physical page holding `addr`, or -1 when it is not
   * backed by RAM or ROM.
   */
  hostPage(addr: number): number {
    addr >>>= 0;
    const page = (addr & ~0xfff) >>> 0;
    if (addr < this.ramSize) return RAM_BASE + page;
    if (this.romSize !== 0 && addr >= 0x1_0000_0000 - this.romSize) {
      return this.romBase + (page - (0x1_0000_0000 - this.romSize));
    }
    return -1;
  }

  /** Copies `bytes` into RAM at physical `addr`; throws RangeError if it does not fit. */
  write(addr: number, bytes: Uint8Array): void {
    if (addr < 0 || addr + bytes.length > this.ramSize) {
      throw new RangeError(
        `Cannot write ${bytes.length} bytes at 0x${addr.toString(16)}: guest RAM ends at 0x${
          this.ramSize.toString(16)
        }`,
      );
    }
    this.u8.set(bytes, RAM_BASE + addr);
  }

  /** Returns a copy of `length` bytes of RAM at physical `addr`; throws RangeError outside RAM. */
  read(addr: number, length: number): Uint8Array {
    if (addr < 0 || addr + length > this.ramSize) {
      throw new RangeError(
        `Cannot read ${length} bytes at 0x${addr.toString(16)}: guest RAM ends at 0x${
          this.ramSize.toString(16)
        }`,
      );
    }
    return this.u8.slice(RAM_BASE + addr, RAM_BASE + addr + length);
  }

  /** Reads a little-endian u32 of RAM. */
  readU32(addr: number): number {
    return this.view.getUint32(RAM_BASE + addr, true);
  }

  /** Writes a little-endian u32 into RAM. */
  writeU32(addr: number, value: number): void {
    this.view.setUint32(RAM_BASE + addr, value >>> 0, true);
  }

  /** Fills `length` bytes of RAM at `addr` with zero. */
  zero(addr: number, length: number): void {
    this.u8.fill(0, RAM_BASE + addr, RAM_BASE + addr + length);
  }
}
