/**
 * The Multiboot v1 loader (Multiboot Specification 0.6.96): loads an ELF32 or a.out-kludge
 * kernel and its modules into guest RAM and writes the multiboot information structure.
 */

import type { PhysicalMemory } from "../cpu/physical_memory.ts";
import { type Elf32Segment, isElf, parseElf32, PF_R, PF_W, PF_X, physicalEntry } from "./elf32.ts";
import { formatSize, hex, ImageFormatError, loadSubject } from "./image_error.ts";
import {
  BOOT_DATA_START,
  HIGH_MEMORY_START,
  MEM_LOWER_KIB,
  MODULE_ALIGN,
  MULTIBOOT_INFO_ADDR,
  MULTIBOOT_MAX_MODULES,
  MULTIBOOT_MMAP_ADDR,
  MULTIBOOT_MODULES_ADDR,
  MULTIBOOT_STRINGS_ADDR,
  MULTIBOOT_STRINGS_END,
} from "./layout.ts";
import { alignUp, guestMemoryMap } from "./_memory_map.ts";
import {
  findMultibootHeader,
  MB_SUPPORTED_REQUIRED_FLAGS,
  multibootChecksumSum,
  type MultibootHeader,
  scanForMagic,
} from "./multiboot_header.ts";

/** EAX at kernel entry: tells the kernel a multiboot loader started it. */
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;
/** Name written to `boot_loader_name`. */
export const MULTIBOOT_LOADER_NAME = "jitvisor";

/** Bytes of the multiboot information structure up to `vbe_interface_len` (0.6.96). */
const INFO_SIZE = 88;
/** Info offsets (Multiboot 0.6.96 §3.3). */
const INFO_FLAGS = 0;
const INFO_MEM_LOWER = 4;
const INFO_MEM_UPPER = 8;
const INFO_BOOT_DEVICE = 12;
const INFO_CMDLINE = 16;
const INFO_MODS_COUNT = 20;
const INFO_MODS_ADDR = 24;
const INFO_MMAP_LENGTH = 44;
const INFO_MMAP_ADDR = 48;
const INFO_BOOT_LOADER_NAME = 64;
/** Info flag bit 0: mem_lower and mem_upper are valid. */
export const MBI_MEMORY = 1 << 0;
/** Info flag bit 1: boot_device is valid. */
export const MBI_BOOT_DEVICE = 1 << 1;
/** Info flag bit 2: cmdline is valid. */
export const MBI_CMDLINE = 1 << 2;
/** Info flag bit 3: mods_count and mods_addr are valid. */
export const MBI_MODS = 1 << 3;
/** Info flag bit 6: mmap_length and mmap_addr are valid. */
export const MBI_MMAP = 1 << 6;
/** Info flag bit 9: boot_loader_name is valid. */
export const MBI_LOADER_NAME = 1 << 9;
/** Bytes of one memory map entry after its size field. */
export const MMAP_ENTRY_SIZE = 20;
/** Bytes of one module list entry (mod_start, mod_end, string, reserved). */
const MODULE_ENTRY_SIZE = 16;

/** A boot module handed to the kernel (an initrd, a program, a file). */
export interface MultibootModule {
  /** Display name; also the module string when `cmdline` is absent. */
  name: string;
  /** The module's bytes. */
  data: Uint8Array;
  /** The module string the kernel sees. */
  cmdline?: string;
}

/** Options of loadMultiboot. */
export interface MultibootOptions {
  /** Display name of the kernel, used in error messages. */
  name?: string;
  /**
   * Kernel command line.
   * @default ""
   */
  cmdline?: string;
  /**
   * Modules, loaded page-aligned after the kernel in this order.
   * @default []
   */
  modules?: MultibootModule[];
  /**
   * The boot loader name.
   * @default "jitvisor"
   */
  loaderName?: string;
  /** BIOS boot device (drive, part1, part2, part3); omitted from the info when absent. */
  bootDevice?: number;
}

/** Where and how to enter a loaded multiboot kernel (flat 32-bit protected mode, paging off). */
export interface MultibootBoot {
  /** Physical entry address. */
  entry: number;
  /** EAX at entry: 0x2BADB002. */
  eax: number;
  /** EBX at entry: the physical address of the multiboot information structure. */
  ebx: number;
  /** End (exclusive) of the highest byte the kernel image occupies, bss included. */
  kernelEnd: number;
}

/** One range to copy from the file into RAM, then zero up to `memsz`. */
type LoadRange = Pick<Elf32Segment, "offset" | "paddr" | "filesz" | "memsz">;

/**
 * Loads a multiboot kernel as `qemu-system-i386 -kernel` would: segments at their physical
 * addresses (bss zeroed), modules page-aligned after the kernel (and above 1 MiB), then the
 * information structure with memory sizes, memory map, command lines and boot loader name.
 *
 * @param mem guest memory to load into.
 * @param image the kernel file (ELF32, or any file with an a.out-kludge header).
 * @param options command line, modules, names.
 * @returns the entry point and the EAX/EBX values to enter it with.
 * @throws {ImageFormatError} when the file is not a multiboot kernel.
 * @throws {RangeError} when the kernel, its modules or its boot data do not fit.
 *
 * @example Loading the smallest a.out-kludge kernel
 * ```ts
 * import assert from "node:assert/strict";
 * import { PhysicalMemory } from "../cpu/physical_memory.ts";
 * import { loadMultiboot } from "./multiboot.ts";
 *
 * const magic = 0x1badb002;
 * const flags = 0x10000; // a.out kludge
 * // header: magic, flags, checksum, header_addr, load_addr, load_end_addr, bss_end_addr, entry
 * const words = [magic, flags, -(magic + flags), 0x100000, 0x100000, 0, 0, 0x100020, 0xf4f4f4f4];
 * const image = new Uint8Array(new Uint32Array(words).buffer);
 * const mem = new PhysicalMemory(4 * 1024 * 1024);
 * const boot = loadMultiboot(mem, image, { name: "tiny" });
 * assert.deepEqual(boot, { entry: 0x100020, eax: 0x2badb002, ebx: 0x9000, kernelEnd: 0x100024 });
 * assert.equal(mem.readU32(0x100000), 0x1badb002);
 * ```
 */
export function loadMultiboot(
  mem: PhysicalMemory,
  image: Uint8Array,
  options: MultibootOptions = {},
): MultibootBoot {
  const subject = loadSubject("kernel", options.name);
  const header = requireMultibootHeader(image, subject);
  let entry: number;
  let ranges: LoadRange[];
  if (header.aout !== null) {
    const segment = aoutSegment(header, image, subject);
    ranges = [segment];
    entry = header.aout.entryAddr;
  } else {
    const elf = parseElf32(image, subject);
    ranges = elf.segments;
    entry = physicalEntry(elf);
  }

  let kernelEnd = 0;
  for (const r of ranges) {
    checkFits(mem, subject, "segment", r.paddr, r.memsz);
    if (r.paddr < MULTIBOOT_STRINGS_END && r.paddr + r.memsz > BOOT_DATA_START) {
      throw new RangeError(
        `${subject}: segment at ${hex(r.paddr)} of ${formatSize(r.memsz)} overlaps the ` +
          `multiboot data area ${hex(BOOT_DATA_START)}–${hex(MULTIBOOT_STRINGS_END)}`,
      );
    }
    kernelEnd = Math.max(kernelEnd, r.paddr + r.memsz);
  }
  for (const r of ranges) {
    mem.write(r.paddr, image.subarray(r.offset, r.offset + r.filesz));
    mem.zero(r.paddr + r.filesz, r.memsz - r.filesz);
  }

  writeMultibootInfo(mem, subject, kernelEnd, options);
  return { entry, eax: MULTIBOOT_BOOTLOADER_MAGIC, ebx: MULTIBOOT_INFO_ADDR, kernelEnd };
}

/**
 * The one load range an a.out-kludge header describes, with every address checked against the
 * file and against each other.
 *
 * @param header a header with `aout` fields.
 * @param image the kernel file.
 * @param subject message prefix.
 * @returns the range as an ELF-like segment (vaddr = paddr = load_addr, flags rwx).
 * @throws {ImageFormatError} when the addresses are inconsistent or point outside the file.
 */
export function aoutSegment(
  header: MultibootHeader,
  image: Uint8Array,
  subject: string,
): Elf32Segment {
  const a = header.aout;
  if (a === null) throw new TypeError("aoutSegment() needs a header with the a.out kludge flag");
  const fail = (reason: string, field: number): never => {
    throw new ImageFormatError(
      `${subject}: multiboot a.out kludge: ${reason}`,
      header.offset + field,
    );
  };
  if (a.loadAddr > a.headerAddr) {
    fail(`load_addr ${hex(a.loadAddr)} is above header_addr ${hex(a.headerAddr)}`, 16);
  }
  const fileStart = header.offset - (a.headerAddr - a.loadAddr);
  if (fileStart < 0) {
    fail(
      `header_addr ${hex(a.headerAddr)} - load_addr ${hex(a.loadAddr)} puts the load start ` +
        `${-fileStart} bytes before the start of the file`,
      12,
    );
  }
  const loadEnd = a.loadEndAddr === 0 ? a.loadAddr + (image.length - fileStart) : a.loadEndAddr;
  if (loadEnd < a.loadAddr) {
    fail(`load_end_addr ${hex(loadEnd)} is below load_addr ${hex(a.loadAddr)}`, 20);
  }
  const filesz = loadEnd - a.loadAddr;
  if (fileStart + filesz > image.length) {
    fail(
      `load_end_addr ${hex(loadEnd)} needs ${filesz} bytes from file offset ${hex(fileStart)} ` +
        `but the file has only ${image.length} bytes`,
      20,
    );
  }
  const bssEnd = a.bssEndAddr === 0 ? loadEnd : a.bssEndAddr;
  if (bssEnd < loadEnd) {
    fail(`bss_end_addr ${hex(bssEnd)} is below load_end_addr ${hex(loadEnd)}`, 24);
  }
  if (bssEnd > 0x1_0000_0000) fail(`the kernel ends at ${hex(bssEnd)}, past 4 GiB`, 24);
  if (a.entryAddr < a.loadAddr || a.entryAddr >= Math.max(bssEnd, a.loadAddr + 1)) {
    fail(
      `entry_addr ${hex(a.entryAddr)} is outside the loaded range ` +
        `${hex(a.loadAddr)}–${hex(bssEnd)}`,
      28,
    );
  }
  return {
    offset: fileStart,
    vaddr: a.loadAddr,
    paddr: a.loadAddr,
    filesz,
    memsz: bssEnd - a.loadAddr,
    flags: PF_R | PF_W | PF_X,
  };
}

/** The multiboot header, or the one clear reason there is none. */
function requireMultibootHeader(image: Uint8Array, subject: string): MultibootHeader {
  const fail = (reason: string, offset: number): never => {
    throw new ImageFormatError(`${subject}: ${reason}`, offset);
  };
  if (image.length === 0) fail("the file is empty", 0);
  const header = findMultibootHeader(image, subject);
  if (header !== null) {
    const unsupported = header.flags & 0xffff & ~MB_SUPPORTED_REQUIRED_FLAGS;
    if (unsupported !== 0) {
      fail(
        `multiboot header at ${hex(header.offset)} requires features this loader lacks ` +
          `(flags ${hex(unsupported)})`,
        header.offset + 4,
      );
    }
    if (header.aout === null && !isElf(image)) {
      fail(
        `multiboot header at ${hex(header.offset)} has no a.out kludge (flag bit 16) and the ` +
          "file is not ELF, so there is no way to know where to load it",
        header.offset + 4,
      );
    }
    return header;
  }
  const bad = scanForMagic(image, false);
  if (bad >= 0) {
    const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
    fail(
      `multiboot header at ${hex(bad)} has a bad checksum ` +
        `(magic + flags + checksum = ${hex(multibootChecksumSum(view, bad))}, must be 0)`,
      bad + 8,
    );
  }
  if (isElf(image)) {
    parseElf32(image, subject); // a broken ELF says so before the missing header does
    fail(
      "ELF file has no multiboot header (magic 0x1badb002, 4-byte aligned) in its first " +
        "8192 bytes: it is not a multiboot kernel",
      0,
    );
  }
  return fail(
    "not a kernel image: neither an ELF file nor a file with a multiboot header in its first " +
      "8192 bytes",
    0,
  );
}

/** Throws a RangeError when [addr, addr + size) is not inside guest RAM. */
function checkFits(
  mem: PhysicalMemory,
  subject: string,
  what: string,
  addr: number,
  size: number,
): void {
  if (addr + size <= mem.ramSize) return;
  throw new RangeError(
    `${subject}: ${what} at ${hex(addr)} of ${formatSize(size)} does not fit in ` +
      `${formatSize(mem.ramSize)} of guest memory`,
  );
}

/** Writes the modules, then the information structure with everything it points to. */
function writeMultibootInfo(
  mem: PhysicalMemory,
  subject: string,
  kernelEnd: number,
  options: MultibootOptions,
): void {
  const modules = options.modules ?? [];
  if (modules.length > MULTIBOOT_MAX_MODULES) {
    throw new RangeError(
      `${subject}: ${modules.length} modules given but at most ${MULTIBOOT_MAX_MODULES} fit`,
    );
  }
  mem.zero(BOOT_DATA_START, MULTIBOOT_STRINGS_END - BOOT_DATA_START);

  const encoder = new TextEncoder();
  let stringAt = MULTIBOOT_STRINGS_ADDR;
  const putString = (text: string, what: string): number => {
    const bytes = encoder.encode(text);
    if (stringAt + bytes.length + 1 > MULTIBOOT_STRINGS_END) {
      throw new RangeError(
        `${subject}: the ${what} does not fit: command lines and names may take at most ` +
          `${MULTIBOOT_STRINGS_END - MULTIBOOT_STRINGS_ADDR} bytes in all`,
      );
    }
    const at = stringAt;
    mem.write(at, bytes); // the area was zeroed, so the string is NUL-terminated
    stringAt += bytes.length + 1;
    return at;
  };

  // Modules follow the kernel, but never below 1 MiB, where they could meet the boot data or
  // the reserved legacy areas.
  let moduleAt = alignUp(Math.max(kernelEnd, HIGH_MEMORY_START), MODULE_ALIGN);
  modules.forEach((m, i) => {
    checkFits(mem, subject, `module "${m.name}"`, moduleAt, m.data.length);
    mem.write(moduleAt, m.data);
    const entry = MULTIBOOT_MODULES_ADDR + i * MODULE_ENTRY_SIZE;
    mem.writeU32(entry, moduleAt);
    mem.writeU32(entry + 4, moduleAt + m.data.length);
    mem.writeU32(entry + 8, putString(m.cmdline ?? m.name, `string of module "${m.name}"`));
    moduleAt = alignUp(moduleAt + m.data.length, MODULE_ALIGN);
  });

  let flags = MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME;
  const info = MULTIBOOT_INFO_ADDR;
  mem.zero(info, INFO_SIZE);
  mem.writeU32(info + INFO_MEM_LOWER, MEM_LOWER_KIB);
  mem.writeU32(info + INFO_MEM_UPPER, Math.floor((mem.ramSize - 0x100000) / 1024));
  if (options.bootDevice !== undefined) {
    flags |= MBI_BOOT_DEVICE;
    mem.writeU32(info + INFO_BOOT_DEVICE, options.bootDevice);
  }
  mem.writeU32(info + INFO_CMDLINE, putString(options.cmdline ?? "", "command line"));
  mem.writeU32(info + INFO_MODS_COUNT, modules.length);
  mem.writeU32(info + INFO_MODS_ADDR, MULTIBOOT_MODULES_ADDR);

  let mmapAt = MULTIBOOT_MMAP_ADDR;
  for (const range of guestMemoryMap(mem.ramSize)) {
    mem.writeU32(mmapAt, MMAP_ENTRY_SIZE);
    mem.writeU32(mmapAt + 4, range.base);
    mem.writeU32(mmapAt + 8, 0);
    mem.writeU32(mmapAt + 12, range.length);
    mem.writeU32(mmapAt + 16, 0);
    mem.writeU32(mmapAt + 20, range.type);
    mmapAt += 4 + MMAP_ENTRY_SIZE;
  }
  mem.writeU32(info + INFO_MMAP_LENGTH, mmapAt - MULTIBOOT_MMAP_ADDR);
  mem.writeU32(info + INFO_MMAP_ADDR, MULTIBOOT_MMAP_ADDR);
  mem.writeU32(
    info + INFO_BOOT_LOADER_NAME,
    putString(options.loaderName ?? MULTIBOOT_LOADER_NAME, "boot loader name"),
  );
  mem.writeU32(info + INFO_FLAGS, flags);
}
