/** Reading the setup header of a Linux bzImage (Documentation/arch/x86/boot.rst). */

import { hex, ImageFormatError } from "./image_error.ts";
import { LINUX_DEFAULT_INITRD_ADDR_MAX } from "./layout.ts";

/** Offset of the setup header in the image (and in the zero page). */
export const SETUP_HEADER_OFFSET = 0x1f1;
/** Offset of `boot_flag`, which holds 0xAA55. */
const BOOT_FLAG_OFFSET = 0x1fe;
/** Offset of the jump whose 8-bit displacement gives the setup header's end. */
const JUMP_OFFSET = 0x200;
/** Offset of the "HdrS" signature. */
const HDRS_OFFSET = 0x202;
/** "HdrS" read as a little-endian u32. */
const HDRS_MAGIC = 0x53726448;
/** Value of `boot_flag`. */
const BOOT_FLAG = 0xaa55;
/** Sectors of real-mode setup code when `setup_sects` is 0. */
const DEFAULT_SETUP_SECTS = 4;
/** `loadflags` bit 0: the protected-mode code is loaded at 0x100000 (a bzImage). */
export const LOADED_HIGH = 1 << 0;
/** `loadflags` bit 5: the kernel should print no early messages. */
export const QUIET_FLAG = 1 << 5;
/** `loadflags` bit 6: the kernel must not reload segment registers (protocol 2.07+). */
export const KEEP_SEGMENTS = 1 << 6;
/** `loadflags` bit 7: `heap_end_ptr` is valid. */
export const CAN_USE_HEAP = 1 << 7;

/** The fields of the setup header a loader or `jitvisor info` needs. */
export interface LinuxSetupHeader {
  /** 512-byte sectors of real-mode setup code after the boot sector (0 read as 4). */
  setupSects: number;
  /** Boot protocol version, e.g. 0x020f for 2.15. */
  version: number;
  /** Loader flags (LOADED_HIGH, QUIET_FLAG, KEEP_SEGMENTS, CAN_USE_HEAP). */
  loadflags: number;
  /** The 32-bit entry point of the protected-mode kernel. */
  code32Start: number;
  /** Highest address the initrd may occupy. */
  initrdAddrMax: number;
  /** Largest command line, in bytes without the NUL (255 before protocol 2.06). */
  cmdlineSize: number;
  /** Memory the kernel needs from its load address while it decompresses (0 before 2.10). */
  initSize: number;
  /** Alignment the kernel prefers (0 before 2.05). */
  kernelAlignment: number;
  /** File offset of the protected-mode kernel: (setup_sects + 1) × 512. */
  kernelOffset: number;
  /** Bytes of the protected-mode kernel. */
  kernelSize: number;
  /** End offset (exclusive) of the setup header: 0x202 + the byte at 0x201. */
  headerEnd: number;
}

/**
 * Tells whether `bytes` looks like a Linux boot image: boot flag 0xAA55 and the "HdrS" magic.
 * @param bytes a file.
 * @returns true for a kernel with a boot protocol setup header.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLinuxImage } from "./linux_header.ts";
 *
 * assert.equal(isLinuxImage(new Uint8Array(1024)), false);
 * ```
 */
export function isLinuxImage(bytes: Uint8Array): boolean {
  if (bytes.length < HDRS_OFFSET + 4) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint16(BOOT_FLAG_OFFSET, true) === BOOT_FLAG &&
    view.getUint32(HDRS_OFFSET, true) === HDRS_MAGIC;
}

/**
 * Parses the setup header of a bzImage, checking that the offsets it gives lie in the file.
 *
 * @param bytes the bzImage file.
 * @param subject message prefix, e.g. `Cannot load kernel "bzImage"`.
 * @returns the header fields.
 * @throws {ImageFormatError} when the file has no setup header or it points outside the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLinuxSetupHeader } from "./linux_header.ts";
 *
 * assert.throws(() => parseLinuxSetupHeader(new Uint8Array(4096), "Cannot load kernel"), {
 *   message: "Cannot load kernel: not a Linux boot image (no 0xaa55 boot flag at 0x1fe)",
 * });
 * ```
 */
export function parseLinuxSetupHeader(bytes: Uint8Array, subject: string): LinuxSetupHeader {
  const fail = (reason: string, offset: number): never => {
    throw new ImageFormatError(`${subject}: ${reason}`, offset);
  };
  if (bytes.length < 0x268) {
    fail(`a Linux boot image is at least 616 bytes but the file has ${bytes.length}`, 0);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(BOOT_FLAG_OFFSET, true) !== BOOT_FLAG) {
    fail("not a Linux boot image (no 0xaa55 boot flag at 0x1fe)", BOOT_FLAG_OFFSET);
  }
  if (view.getUint32(HDRS_OFFSET, true) !== HDRS_MAGIC) {
    fail('not a Linux boot image (no "HdrS" setup header magic at 0x202)', HDRS_OFFSET);
  }
  const version = view.getUint16(0x206, true);
  const setupSects = bytes[SETUP_HEADER_OFFSET] || DEFAULT_SETUP_SECTS;
  const kernelOffset = (setupSects + 1) * 512;
  if (kernelOffset >= bytes.length) {
    fail(
      `setup_sects is ${setupSects}, so the kernel starts at ${hex(kernelOffset)}, past the ` +
        `end of the file (${bytes.length} bytes)`,
      SETUP_HEADER_OFFSET,
    );
  }
  const since = (minimum: number, offset: number, fallback: number): number =>
    version >= minimum ? view.getUint32(offset, true) : fallback;
  return {
    setupSects,
    version,
    loadflags: bytes[0x211],
    code32Start: view.getUint32(0x214, true),
    initrdAddrMax: since(0x203, 0x22c, LINUX_DEFAULT_INITRD_ADDR_MAX),
    cmdlineSize: since(0x206, 0x238, 255),
    initSize: since(0x20a, 0x260, 0),
    kernelAlignment: since(0x205, 0x230, 0),
    kernelOffset,
    kernelSize: bytes.length - kernelOffset,
    headerEnd: Math.min(JUMP_OFFSET + 2 + bytes[JUMP_OFFSET + 1], kernelOffset),
  };
}

/**
 * Formats a boot protocol version as "2.15".
 * @param version the `version` field.
 * @returns major.minor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { protocolText } from "./linux_header.ts";
 *
 * assert.equal(protocolText(0x020f), "2.15");
 * ```
 */
export function protocolText(version: number): string {
  return `${version >> 8}.${(version & 0xff).toString().padStart(2, "0")}`;
}
