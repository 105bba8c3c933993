/** A parser for ELF32 little-endian i386 executables: the header and the loadable segments. */

import { hex, ImageFormatError } from "./image_error.ts";

/** The four bytes every ELF file starts with: 0x7F 'E' 'L' 'F'. */
export const ELF_MAGIC = 0x464c457f;
/** Size of the ELF32 file header. */
const EHDR_SIZE = 52;
/** Size of one ELF32 program header. */
const PHDR_SIZE = 32;
/** `e_ident[EI_CLASS]` for 32-bit objects (ELFCLASS32). */
const ELFCLASS32 = 1;
/** `e_ident[EI_DATA]` for little-endian objects (ELFDATA2LSB). */
const ELFDATA2LSB = 1;
/** `e_ident[EI_VERSION]` and `e_version` of every ELF file (EV_CURRENT). */
const EV_CURRENT = 1;
/** `e_type` of an executable (ET_EXEC). */
const ET_EXEC = 2;
/** `e_machine` of Intel 80386 (EM_386). */
const EM_386 = 3;
/** `p_type` of a loadable segment (PT_LOAD). */
export const PT_LOAD = 1;
/** `p_flags` bit: segment is executable. */
export const PF_X = 1;
/** `p_flags` bit: segment is writable. */
export const PF_W = 2;
/** `p_flags` bit: segment is readable. */
export const PF_R = 4;

/** One PT_LOAD program header. */
export interface Elf32Segment {
  /** Offset in the file of the segment's first byte (`p_offset`). */
  offset: number;
  /** Virtual address (`p_vaddr`). */
  vaddr: number;
  /** Physical address (`p_paddr`), where loaders without paging put it. */
  paddr: number;
  /** Bytes taken from the file (`p_filesz`). */
  filesz: number;
  /** Bytes in memory (`p_memsz`); the part past `filesz` is zeroed (bss). */
  memsz: number;
  /** PF_R | PF_W | PF_X bits (`p_flags`). */
  flags: number;
}

/** The parts of an ELF32 executable a loader needs. */
export interface Elf32Image {
  /** Entry point (`e_entry`), a virtual address. */
  entry: number;
  /** The PT_LOAD segments in program-header order (segments with `p_memsz` 0 are dropped). */
  segments: Elf32Segment[];
}

/**
 * Tells whether `bytes` starts with the ELF magic.
 * @param bytes a file.
 * @returns true for 0x7F 'E' 'L' 'F'.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isElf } from "./elf32.ts";
 *
 * assert.equal(isElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46])), true);
 * assert.equal(isElf(new TextEncoder().encode("hello")), false);
 * ```
 */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c &&
    bytes[3] === 0x46;
}

/**
 * Parses an ELF32 little-endian i386 executable. Every offset and size is checked against the
 * file before use, so a truncated or corrupt file gives an ImageFormatError, never a RangeError.
 *
 * @param bytes the whole file.
 * @param subject message prefix, e.g. `Cannot load kernel "x.elf"`.
 * @returns the entry point and loadable segments.
 * @throws {ImageFormatError} when the file is not a well-formed i386 ELF32 executable.
 *
 * @example Rejecting a file that is not ELF
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseElf32 } from "./elf32.ts";
 *
 * assert.throws(() => parseElf32(new Uint8Array(64), "Cannot load kernel"), {
 *   name: "ImageFormatError",
 *   message: "Cannot load kernel: not an ELF file (magic is 00 00 00 00, expected 7f 45 4c 46)",
 * });
 * ```
 */
export function parseElf32(bytes: Uint8Array, subject: string): Elf32Image {
  const fail = (reason: string, offset: number): never => {
    throw new ImageFormatError(`${subject}: ${reason}`, offset);
  };
  if (!isElf(bytes)) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0"));
    fail(`not an ELF file (magic is ${magic.join(" ") || "missing"}, expected 7f 45 4c 46)`, 0);
  }
  if (bytes.length < EHDR_SIZE) {
    fail(`ELF header is truncated: the file has ${bytes.length} bytes but the header needs 52`, 0);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[4] !== ELFCLASS32) fail(`ELF class is ${bytes[4]} but must be 1 (ELFCLASS32)`, 4);
  if (bytes[5] !== ELFDATA2LSB) {
    fail(`ELF data encoding is ${bytes[5]} but must be 1 (ELFDATA2LSB, little-endian)`, 5);
  }
  if (bytes[6] !== EV_CURRENT) fail(`ELF version is ${bytes[6]} but must be 1 (EV_CURRENT)`, 6);
  const type = view.getUint16(16, true);
  if (type !== ET_EXEC) fail(`ELF type is ${type} but must be 2 (ET_EXEC, an executable)`, 16);
  const machine = view.getUint16(18, true);
  if (machine !== EM_386) fail(`ELF machine is ${machine} but must be 3 (EM_386)`, 18);

  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) fail("ELF file has no program headers", 44);
  if (phentsize < PHDR_SIZE) {
    fail(`ELF program header size is ${phentsize} but must be at least 32`, 42);
  }
  if (phoff + phnum * phentsize > bytes.length) {
    fail(
      `ELF program headers at ${hex(phoff)} (${phnum} × ${phentsize} bytes) extend past the end ` +
        `of the file (${bytes.length} bytes): the file is truncated`,
      28,
    );
  }

  const segments: Elf32Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const segment: Elf32Segment = {
      offset: view.getUint32(at + 4, true),
      vaddr: view.getUint32(at + 8, true),
      paddr: view.getUint32(at + 12, true),
      filesz: view.getUint32(at + 16, true),
      memsz: view.getUint32(at + 20, true),
      flags: view.getUint32(at + 24, true),
    };
    if (segment.filesz > segment.memsz) {
      fail(
        `ELF segment ${i} has ${segment.filesz} bytes in the file but only ${segment.memsz} in memory`,
        at + 16,
      );
    }
    if (segment.offset + segment.filesz > bytes.length) {
      fail(
        `ELF segment ${i} (file offset ${hex(segment.offset)}, ${segment.filesz} bytes) extends ` +
          `past the end of the file (${bytes.length} bytes): the file is truncated`,
        at + 4,
      );
    }
    if (segment.paddr + segment.memsz > 0x1_0000_0000) {
      fail(`ELF segment ${i} at ${hex(segment.paddr)} wraps past 4 GiB`, at + 12);
    }
    if (segment.memsz !== 0) segments.push(segment);
  }
  if (segments.length === 0) fail("ELF file has no loadable (PT_LOAD) segments", phoff);
  return { entry, segments };
}

/**
 * The physical address of a virtual entry point: the loader runs the kernel with paging off,
 * so an entry inside a segment's virtual range is moved by that segment's paddr - vaddr.
 *
 * @param elf a parsed executable.
 * @returns the physical entry address (`entry` itself when no segment contains it).
 *
 * @example A higher-half kernel
 * ```ts
 * import assert from "node:assert/strict";
 * import { physicalEntry } from "./elf32.ts";
 *
 * const seg = { offset: 0, vaddr: 0xc0100000, paddr: 0x100000, filesz: 16, memsz: 16, flags: 5 };
 * assert.equal(physicalEntry({ entry: 0xc0100004, segments: [seg] }), 0x100004);
 * ```
 */
export function physicalEntry(elf: Elf32Image): number {
  for (const s of elf.segments) {
    if (elf.entry >= s.vaddr && elf.entry < s.vaddr + s.memsz) {
      return (elf.entry - s.vaddr + s.paddr) >>> 0;
    }
  }
  return elf.entry;
}

/**
 * Formats segment flags as "rwx" with dashes for missing permissions.
 * @param flags PF_R | PF_W | PF_X bits.
 * @returns e.g. "r-x".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { segmentFlagsText } from "./elf32.ts";
 *
 * assert.equal(segmentFlagsText(5), "r-x");
 * ```
 */
export function segmentFlagsText(flags: number): string {
  return (flags & PF_R ? "r" : "-") + (flags & PF_W ? "w" : "-") + (flags & PF_X ? "x" : "-");
}
