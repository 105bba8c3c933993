/** Describing a kernel or firmware image without loading it (the data behind `jitvisor info`). */

import { isElf, parseElf32, segmentFlagsText } from "./elf32.ts";
import { formatSize, hex } from "./image_error.ts";
import { LINUX_KERNEL_ADDR } from "./layout.ts";
import {
  CAN_USE_HEAP,
  isLinuxImage,
  KEEP_SEGMENTS,
  LOADED_HIGH,
  parseLinuxSetupHeader,
  protocolText,
  QUIET_FLAG,
} from "./linux_header.ts";
import { aoutSegment } from "./multiboot.ts";
import { findMultibootHeader, multibootFlagNames } from "./multiboot_header.ts";

/** What kind of image a file is. */
export type ImageFormat = "multiboot-elf32" | "multiboot-aout" | "elf32" | "linux-bzimage" | "raw";

/** One loadable segment of an image. */
export interface SegmentInfo {
  /** Virtual address. */
  vaddr: number;
  /** Physical address the loader puts it at. */
  paddr: number;
  /** Bytes taken from the file. */
  filesz: number;
  /** Bytes in memory (the rest zeroed). */
  memsz: number;
  /** Permissions as "rwx" with dashes. */
  flags: string;
}

/** The multiboot header of an image. */
export interface MultibootHeaderInfo {
  /** File offset of the header. */
  offset: number;
  /** The flags field. */
  flags: number;
  /** The flags decoded to names. */
  flagNames: string[];
}

/** The setup header of a Linux bzImage. */
export interface LinuxHeaderInfo {
  /** Boot protocol version as "2.15". */
  protocol: string;
  /** Sectors of real-mode setup code. */
  setupSects: number;
  /** The loadflags byte. */
  loadflags: number;
  /** The loadflags decoded to names. */
  loadflagNames: string[];
  /** 32-bit entry point. */
  code32Start: number;
  /** Largest command line in bytes. */
  cmdlineSize: number;
  /** Highest address the initrd may occupy. */
  initrdAddrMax: number;
  /** Memory the kernel needs while it decompresses (0 when unknown). */
  initSize: number;
}

/** A description of an image. */
export interface ImageInfo {
  /** Display name, or null. */
  name: string | null;
  /** File size in bytes. */
  size: number;
  /** The detected format. */
  format: ImageFormat;
  /** Physical entry address, or null for a raw image. */
  entry: number | null;
  /** Loadable segments (empty for a raw image). */
  segments: SegmentInfo[];
  /** The multiboot header, or null. */
  multiboot: MultibootHeaderInfo | null;
  /** The Linux setup header, or null. */
  linux: LinuxHeaderInfo | null;
}

/**
 * Describes an image: its format, entry point, segments and boot headers. A file with no
 * recognised header is "raw"; a recognised but malformed one throws.
 *
 * @param bytes the file.
 * @param name display name.
 * @returns the description.
 * @throws {ImageFormatError} when an ELF, multiboot or Linux header is malformed or truncated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeImage } from "./image_info.ts";
 *
 * const info = describeImage(new TextEncoder().encode("hello"), "notes.txt");
 * assert.equal(info.format, "raw");
 * assert.equal(info.entry, null);
 * ```
 */
export function describeImage(bytes: Uint8Array, name?: string): ImageInfo {
  const subject = name === undefined
    ? "Cannot describe image"
    : `Cannot describe image ${JSON.stringify(name)}`;
  const info: ImageInfo = {
    name: name ?? null,
    size: bytes.length,
    format: "raw",
    entry: null,
    segments: [],
    multiboot: null,
    linux: null,
  };
  if (isLinuxImage(bytes)) {
    const h = parseLinuxSetupHeader(bytes, subject);
    info.format = "linux-bzimage";
    info.entry = h.code32Start;
    info.segments = [{
      vaddr: LINUX_KERNEL_ADDR,
      paddr: LINUX_KERNEL_ADDR,
      filesz: h.kernelSize,
      memsz: Math.max(h.kernelSize, h.initSize),
      flags: "rwx",
    }];
    info.linux = {
      protocol: protocolText(h.version),
      setupSects: h.setupSects,
      loadflags: h.loadflags,
      loadflagNames: loadflagNames(h.loadflags),
      code32Start: h.code32Start,
      cmdlineSize: h.cmdlineSize,
      initrdAddrMax: h.initrdAddrMax,
      initSize: h.initSize,
    };
    return info;
  }
  const header = findMultibootHeader(bytes, subject);
  if (header !== null) {
    info.multiboot = {
      offset: header.offset,
      flags: header.flags,
      flagNames: multibootFlagNames(header.flags),
    };
  }
  if (header?.aout) {
    const s = aoutSegment(header, bytes, subject);
    info.format = "multiboot-aout";
    info.entry = header.aout.entryAddr;
    info.segments = [{ ...s, flags: segmentFlagsText(s.flags) }];
  } else if (isElf(bytes)) {
    const elf = parseElf32(bytes, subject);
    info.format = header === null ? "elf32" : "multiboot-elf32";
    info.entry = elf.entry;
    info.segments = elf.segments.map((s) => ({
      vaddr: s.vaddr,
      paddr: s.paddr,
      filesz: s.filesz,
      memsz: s.memsz,
      flags: segmentFlagsText(s.flags),
    }));
  }
  return info;
}

/**
 * Formats an image description as aligned lines of text.
 * @param info a description from describeImage.
 * @returns several lines, without a trailing newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeImage, formatImageInfo } from "./image_info.ts";
 *
 * const text = formatImageInfo(describeImage(new Uint8Array(10), "blob.bin"));
 * assert.equal(text, "image:     blob.bin (10 bytes)\nformat:    raw (no ELF, multiboot or Linux header)");
 * ```
 */
export function formatImageInfo(info: ImageInfo): string {
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`${(label + ":").padEnd(LABEL_WIDTH)} ${value}`);
  };
  row("image", `${info.name ?? "(unnamed)"} (${formatSize(info.size)})`);
  row("format", info.format === "raw" ? "raw (no ELF, multiboot or Linux header)" : info.format);
  if (info.multiboot !== null) {
    const m = info.multiboot;
    const names = m.flagNames.length === 0 ? "" : ` (${m.flagNames.join(", ")})`;
    row("multiboot", `header at ${hex(m.offset)}, flags ${hex(m.flags)}${names}`);
  }
  if (info.linux !== null) {
    const l = info.linux;
    const names = l.loadflagNames.length === 0 ? "" : ` (${l.loadflagNames.join(", ")})`;
    row("protocol", l.protocol);
    row("setup", `${l.setupSects} sectors`);
    row("loadflags", `${hex(l.loadflags)}${names}`);
    row("code32", hex(l.code32Start));
    row("cmdline", `up to ${l.cmdlineSize} bytes`);
    row("initrd", `below ${hex(l.initrdAddrMax + 1)}`);
    if (l.initSize !== 0) row("init size", formatSize(l.initSize));
  }
  if (info.entry !== null) row("entry", hex(info.entry));
  if (info.segments.length > 0) {
    row("segments", "vaddr       paddr       filesz      memsz       flags");
    for (const s of info.segments) {
      const cols = [s.vaddr, s.paddr, s.filesz, s.memsz].map((n) => hex32(n).padEnd(12));
      lines.push(`${"".padEnd(LABEL_WIDTH + 1)}${cols.join("")}${s.flags}`);
    }
  }
  return lines.join("\n");
}

/** Width of the label column of formatImageInfo ("multiboot:" is the longest). */
const LABEL_WIDTH = 10;

/** Names of the loadflags bits. */
function loadflagNames(flags: number): string[] {
  const names: string[] = [];
  if (flags & LOADED_HIGH) names.push("loaded-high");
  if (flags & QUIET_FLAG) names.push("quiet");
  if (flags & KEEP_SEGMENTS) names.push("keep-segments");
  if (flags & CAN_USE_HEAP) names.push("can-use-heap");
  return names;
}

/** A u32 as 0x-prefixed 8 hex digits. */
function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}
