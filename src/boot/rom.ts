/** The reset-vector loader: a firmware image at the top of the 4 GiB space, entered at F000:FFF0. */

import type { PhysicalMemory } from "../cpu/physical_memory.ts";
import { formatSize, ImageFormatError, loadSubject } from "./image_error.ts";
import { RESET_CS, RESET_CS_BASE, RESET_IP, ROM_MAX_SIZE, ROM_MIN_SIZE } from "./layout.ts";

/** The real-mode state the CPU starts in after reset (SDM Vol. 3A §9.1.4). */
export interface ResetState {
  /** CS selector: 0xF000. */
  cs: number;
  /** Hidden CS base: 0xFFFF0000, so the first fetch is at 0xFFFFFFF0. */
  csBase: number;
  /** IP: 0xFFF0. */
  ip: number;
}

/**
 * Loads a firmware image (a BIOS or any reset-vector program) so that it answers at the top of
 * the 4 GiB space and, for its last 64 KiB, at 0xF0000.
 *
 * @param mem guest memory created with a `romCapacity` of at least `rom.length`.
 * @param rom the image: a power of two between 64 KiB and 16 MiB.
 * @param name display name for error messages.
 * @returns the reset state to start the CPU in.
 * @throws {ImageFormatError} when the size is not a power of two in range.
 * @throws {RangeError} when the memory was created without room for the ROM.
 *
 * @example A 64 KiB ROM whose last bytes are a far jump
 * ```ts
 * import assert from "node:assert/strict";
 * import { PhysicalMemory } from "../cpu/physical_memory.ts";
 * import { loadResetRom } from "./rom.ts";
 *
 * const rom = new Uint8Array(0x10000);
 * rom.set([0xea, 0x5b, 0xe0, 0x00, 0xf0], 0xfff0); // jmp f000:e05b
 * const mem = new PhysicalMemory(1024 * 1024, rom.length);
 * assert.deepEqual(loadResetRom(mem, rom), { cs: 0xf000, csBase: 0xffff0000, ip: 0xfff0 });
 * assert.equal(mem.read(0xffff0, 1)[0], 0xea);
 * ```
 */
export function loadResetRom(mem: PhysicalMemory, rom: Uint8Array, name?: string): ResetState {
  const subject = loadSubject("firmware", name);
  const size = rom.length;
  if (size < ROM_MIN_SIZE || size > ROM_MAX_SIZE || (size & (size - 1)) !== 0) {
    throw new ImageFormatError(
      `${subject}: the image is ${formatSize(size)} but must be a power of two from 64 KiB ` +
        "to 16 MiB",
      size,
    );
  }
  const capacity = mem.u8.length - mem.romBase;
  if (size > capacity) {
    throw new RangeError(
      `${subject}: the image is ${formatSize(size)} but the guest memory was created with room ` +
        `for ${formatSize(capacity)} of ROM (pass a larger romCapacity)`,
    );
  }
  mem.loadRom(rom);
  return { cs: RESET_CS, csBase: RESET_CS_BASE, ip: RESET_IP };
}
