/** Finding and decoding the Multiboot v1 header (Multiboot Specification 0.6.96 §3.1). */

import { hex, ImageFormatError } from "./image_error.ts";

/** Magic value that starts the header. */
export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
/** The header must lie entirely within this many bytes from the start of the file. */
export const MULTIBOOT_SEARCH_LIMIT = 8192;
/** Bytes of magic, flags and checksum. */
const HEADER_BASE_SIZE = 12;
/** Bytes of the header with the a.out kludge address fields. */
const HEADER_AOUT_SIZE = 32;
/** Bytes of the header with the video mode fields. */
const HEADER_VIDEO_SIZE = 48;

/** Flag bit 0: modules must be loaded on page (4 KiB) boundaries. */
export const MB_FLAG_PAGE_ALIGN = 1 << 0;
/** Flag bit 1: the kernel wants mem_* and the memory map in the information structure. */
export const MB_FLAG_MEMORY_INFO = 1 << 1;
/** Flag bit 2: the kernel wants a video mode (this loader ignores the request). */
export const MB_FLAG_VIDEO_MODE = 1 << 2;
/** Flag bit 16: the address fields are valid (the "a.out kludge"), use them instead of ELF. */
export const MB_FLAG_AOUT_KLUDGE = 1 << 16;
/** Required-feature bits (0–15) this loader understands. */
export const MB_SUPPORTED_REQUIRED_FLAGS = MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO |
  MB_FLAG_VIDEO_MODE;

/** The address fields of a header with the a.out kludge (flag bit 16). */
export interface MultibootAoutFields {
  /** Load address of the header's magic field. */
  headerAddr: number;
  /** Load address of the start of the text segment (file offset: header offset - (headerAddr - loadAddr)). */
  loadAddr: number;
  /** End of the data loaded from the file; 0 means to the end of the file. */
  loadEndAddr: number;
  /** End of the bss zeroed after the data; 0 means no bss. */
  bssEndAddr: number;
  /** Entry point. */
  entryAddr: number;
}

/** The video mode the kernel asks for (flag bit 2). */
export interface MultibootVideoFields {
  /** 0 linear graphics, 1 EGA text. */
  modeType: number;
  /** Columns (pixels or characters), 0 for no preference. */
  width: number;
  /** Rows, 0 for no preference. */
  height: number;
  /** Bits per pixel, 0 for no preference. */
  depth: number;
}

/** A decoded multiboot header. */
export interface MultibootHeader {
  /** Byte offset of the magic in the file. */
  offset: number;
  /** The flags field. */
  flags: number;
  /** The a.out kludge fields when flag bit 16 is set. */
  aout: MultibootAoutFields | null;
  /** The requested video mode when flag bit 2 is set and the fields are present. */
  video: MultibootVideoFields | null;
}

/**
 * Finds the multiboot header: the first 4-byte-aligned magic in the first 8192 bytes whose
 * checksum makes magic + flags + checksum = 0 (mod 2^32).
 *
 * @param image the kernel file.
 * @param subject message prefix for errors, e.g. `Cannot load kernel "x.elf"`.
 * @returns the header, or null when there is none.
 * @throws {ImageFormatError} when the header's a.out kludge fields run past the end of the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findMultibootHeader } from "./multiboot_header.ts";
 *
 * const image = new Uint8Array(64);
 * const view = new DataView(image.buffer);
 * view.setUint32(16, 0x1badb002, true);
 * view.setUint32(20, 0x3, true);
 * view.setUint32(24, -(0x1badb002 + 0x3), true);
 * assert.deepEqual(findMultibootHeader(image), { offset: 16, flags: 3, aout: null, video: null });
 * ```
 */
export function findMultibootHeader(
  image: Uint8Array,
  subject = "Cannot load kernel",
): MultibootHeader | null {
  const offset = scanForMagic(image, true);
  if (offset < 0) return null;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const flags = view.getUint32(offset + 4, true);
  let aout: MultibootAoutFields | null = null;
  if (flags & MB_FLAG_AOUT_KLUDGE) {
    if (offset + HEADER_AOUT_SIZE > image.length) {
      throw new ImageFormatError(
        `${subject}: multiboot header at ${hex(offset)} sets the a.out kludge flag (bit 16) but ` +
          `its address fields run past the end of the file (${image.length} bytes)`,
        offset + HEADER_BASE_SIZE,
      );
    }
    aout = {
      headerAddr: view.getUint32(offset + 12, true),
      loadAddr: view.getUint32(offset + 16, true),
      loadEndAddr: view.getUint32(offset + 20, true),
      bssEndAddr: view.getUint32(offset + 24, true),
      entryAddr: view.getUint32(offset + 28, true),
    };
  }
  let video: MultibootVideoFields | null = null;
  if (flags & MB_FLAG_VIDEO_MODE && offset + HEADER_VIDEO_SIZE <= image.length) {
    video = {
      modeType: view.getUint32(offset + 32, true),
      width: view.getUint32(offset + 36, true),
      height: view.getUint32(offset + 40, true),
      depth: view.getUint32(offset + 44, true),
    };
  }
  return { offset, flags, aout, video };
}

/**
 * Offset of the first aligned multiboot magic in the search window, or -1.
 * @param image the kernel file.
 * @param checksummed when true, only a magic with a valid checksum counts.
 * @returns the offset of the magic.
 */
export function scanForMagic(image: Uint8Array, checksummed: boolean): number {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const end = Math.min(image.length, MULTIBOOT_SEARCH_LIMIT) - HEADER_BASE_SIZE;
  for (let at = 0; at <= end; at += 4) {
    if (view.getUint32(at, true) !== MULTIBOOT_HEADER_MAGIC) continue;
    if (!checksummed || multibootChecksumSum(view, at) === 0) return at;
  }
  return -1;
}

/**
 * magic + flags + checksum (mod 2^32) of the header at `at`; 0 for a valid header.
 * @param view the file.
 * @param at offset of the magic.
 * @returns the unsigned 32-bit sum.
 */
export function multibootChecksumSum(view: DataView, at: number): number {
  return (view.getUint32(at, true) + view.getUint32(at + 4, true) +
    view.getUint32(at + 8, true)) >>>
    0;
}

/**
 * Names the bits of a multiboot header's flags field.
 * @param flags the flags.
 * @returns e.g. ["page-align-modules", "memory-info"]; unknown bits appear as "bit N".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { multibootFlagNames } from "./multiboot_header.ts";
 *
 * assert.deepEqual(multibootFlagNames(0x10003), ["page-align-modules", "memory-info", "aout-kludge"]);
 * ```
 */
export function multibootFlagNames(flags: number): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (((flags >>> bit) & 1) === 0) continue;
    names.push(FLAG_NAMES[bit] ?? `bit ${bit}`);
  }
  return names;
}

/** Names of the flag bits the specification defines. */
const FLAG_NAMES: Record<number, string> = {
  0: "page-align-modules",
  1: "memory-info",
  2: "video-mode",
  16: "aout-kludge",
};
