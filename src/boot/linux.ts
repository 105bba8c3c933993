/**
 * The Linux x86 boot protocol for a bzImage entered at its 32-bit entry point with no BIOS
 * (Documentation/arch/x86/boot.rst, "32-bit Boot Protocol").
 */

import type { PhysicalMemory } from "../cpu/physical_memory.ts";
import { formatSize, hex, ImageFormatError, loadSubject } from "./image_error.ts";
import {
  LINUX_CMDLINE_ADDR,
  LINUX_CMDLINE_END,
  LINUX_GDT_ADDR,
  LINUX_KERNEL_ADDR,
  LINUX_ZERO_PAGE_ADDR,
  MODULE_ALIGN,
} from "./layout.ts";
import { alignUp, guestMemoryMap } from "./_memory_map.ts";
import {
  LOADED_HIGH,
  parseLinuxSetupHeader,
  protocolText,
  SETUP_HEADER_OFFSET,
} from "./linux_header.ts";

/** Oldest boot protocol accepted: 2.06 gives cmdline_size and a reliable initrd_addr_max. */
export const LINUX_MIN_PROTOCOL = 0x0206;
/** `type_of_loader` for a loader without an assigned id. */
const TYPE_OF_LOADER_UNDEFINED = 0xff;
/** Bytes of the zero page (`struct boot_params`). */
const ZERO_PAGE_SIZE = 4096;
/** Zero page offsets (arch/x86/include/uapi/asm/bootparam.h). */
const ZP_ALT_MEM_K = 0x1e0;
const ZP_E820_ENTRIES = 0x1e8;
const ZP_TYPE_OF_LOADER = 0x210;
const ZP_RAMDISK_IMAGE = 0x218;
const ZP_RAMDISK_SIZE = 0x21c;
const ZP_CMD_LINE_PTR = 0x228;
const ZP_E820_TABLE = 0x2d0;
/** Bytes of one e820 entry (addr u64, size u64, type u32). */
const E820_ENTRY_SIZE = 20;
/** Selector of the flat code segment the 32-bit protocol requires (__BOOT_CS). */
export const LINUX_BOOT_CS = 0x10;
/** Selector of the flat data segment the 32-bit protocol requires (__BOOT_DS). */
export const LINUX_BOOT_DS = 0x18;
/** Flat 4 GiB code segment descriptor: base 0, limit 0xFFFFF pages, present, execute/read. */
const GDT_FLAT_CODE = 0x00cf9b00_0000ffffn;
/** Flat 4 GiB data segment descriptor: base 0, limit 0xFFFFF pages, present, read/write. */
const GDT_FLAT_DATA = 0x00cf9300_0000ffffn;

/** Options of loadLinux. */
export interface LinuxOptions {
  /** Display name of the kernel, used in error messages. */
  name?: string;
  /**
   * Kernel command line.
   * @default ""
   */
  cmdline?: string;
  /** Initial ramdisk, placed as high as the kernel allows. */
  initrd?: Uint8Array;
}

/**
 * How to enter a loaded kernel: flat 32-bit protected mode, paging and interrupts off, GDTR =
 * (gdtBase, gdtLimit), CS = 0x10, DS = ES = SS = 0x18, ESI = zero page, EBP = EDI = EBX = 0.
 */
export interface LinuxBoot {
  /** Physical entry address (`code32_start`). */
  entry: number;
  /** ESI at entry: the zero page (`struct boot_params`). */
  esi: number;
  /** Base of the flat GDT written for the kernel. */
  gdtBase: number;
  /** Limit of that GDT. */
  gdtLimit: number;
  /** CS selector at entry. */
  cs: number;
  /** DS, ES and SS selector at entry. */
  ds: number;
  /** Where the initrd was put (0 when none). */
  initrdAddr: number;
  /** Bytes of initrd (0 when none). */
  initrdSize: number;
}

/**
 * Loads a bzImage: the protected-mode kernel at 0x100000, the zero page with the setup header
 * copied in, the e820 map, the command line and the initrd.
 *
 * @param mem guest memory.
 * @param image the bzImage file.
 * @param options command line and initrd.
 * @returns the entry point and register values for the 32-bit boot protocol.
 * @throws {ImageFormatError} when the file is not a bzImage of protocol 2.06 or later.
 * @throws {RangeError} when the kernel, command line or initrd do not fit.
 *
 * @example Rejecting a file that is not a bzImage
 * ```ts
 * import assert from "node:assert/strict";
 * import { PhysicalMemory } from "../cpu/physical_memory.ts";
 * import { loadLinux } from "./linux.ts";
 *
 * const mem = new PhysicalMemory(16 * 1024 * 1024);
 * assert.throws(() => loadLinux(mem, new Uint8Array(4096), { name: "vmlinux" }), {
 *   name: "ImageFormatError",
 *   message: 'Cannot load kernel "vmlinux": not a Linux boot image (no 0xaa55 boot flag at 0x1fe)',
 * });
 * ```
 */
export function loadLinux(
  mem: PhysicalMemory,
  image: Uint8Array,
  options: LinuxOptions = {},
): LinuxBoot {
  const subject = loadSubject("kernel", options.name);
  const h = parseLinuxSetupHeader(image, subject);
  if (h.version < LINUX_MIN_PROTOCOL) {
    throw new ImageFormatError(
      `${subject}: boot protocol ${protocolText(h.version)} is too old: 2.06 or later is needed`,
      0x206,
    );
  }
  if ((h.loadflags & LOADED_HIGH) === 0) {
    throw new ImageFormatError(
      `${subject}: a zImage (loaded low, loadflags bit 0 clear) is not supported, only bzImage`,
      0x211,
    );
  }

  const kernelSpan = Math.max(h.kernelSize, h.initSize);
  const kernelEnd = LINUX_KERNEL_ADDR + kernelSpan;
  if (kernelEnd > mem.ramSize) {
    throw new RangeError(
      `${subject}: the kernel at ${hex(LINUX_KERNEL_ADDR)} needs ${formatSize(kernelSpan)} ` +
        `and does not fit in ${formatSize(mem.ramSize)} of guest memory`,
    );
  }
  mem.write(LINUX_KERNEL_ADDR, image.subarray(h.kernelOffset));
  mem.zero(LINUX_KERNEL_ADDR + h.kernelSize, kernelSpan - h.kernelSize);

  const zp = LINUX_ZERO_PAGE_ADDR;
  mem.zero(zp, ZERO_PAGE_SIZE);
  mem.write(zp + SETUP_HEADER_OFFSET, image.subarray(SETUP_HEADER_OFFSET, h.headerEnd));
  mem.write(zp + ZP_TYPE_OF_LOADER, new Uint8Array([TYPE_OF_LOADER_UNDEFINED]));
  mem.writeU32(zp + ZP_ALT_MEM_K, Math.floor((mem.ramSize - 0x100000) / 1024));

  const ranges = guestMemoryMap(mem.ramSize);
  mem.write(zp + ZP_E820_ENTRIES, new Uint8Array([ranges.length]));
  ranges.forEach((r, i) => {
    const at = zp + ZP_E820_TABLE + i * E820_ENTRY_SIZE;
    mem.writeU32(at, r.base);
    mem.writeU32(at + 4, 0);
    mem.writeU32(at + 8, r.length);
    mem.writeU32(at + 12, 0);
    mem.writeU32(at + 16, r.type);
  });

  const cmdline = new TextEncoder().encode(options.cmdline ?? "");
  const cmdlineMax = Math.min(h.cmdlineSize, LINUX_CMDLINE_END - LINUX_CMDLINE_ADDR - 1);
  if (cmdline.length > cmdlineMax) {
    throw new RangeError(
      `${subject}: the command line is ${cmdline.length} bytes but at most ${cmdlineMax} fit`,
    );
  }
  mem.zero(LINUX_CMDLINE_ADDR, cmdline.length + 1);
  mem.write(LINUX_CMDLINE_ADDR, cmdline);
  mem.writeU32(zp + ZP_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);

  let initrdAddr = 0;
  const initrdSize = options.initrd?.length ?? 0;
  if (options.initrd !== undefined && initrdSize > 0) {
    const top = Math.min(h.initrdAddrMax + 1, mem.ramSize);
    initrdAddr = Math.floor((top - initrdSize) / MODULE_ALIGN) * MODULE_ALIGN;
    if (initrdAddr < alignUp(kernelEnd, MODULE_ALIGN)) {
      throw new RangeError(
        `${subject}: the initrd of ${formatSize(initrdSize)} does not fit between the end of ` +
          `the kernel at ${hex(kernelEnd)} and ${hex(top)} in ${formatSize(mem.ramSize)} of ` +
          "guest memory",
      );
    }
    mem.write(initrdAddr, options.initrd);
    mem.writeU32(zp + ZP_RAMDISK_IMAGE, initrdAddr);
    mem.writeU32(zp + ZP_RAMDISK_SIZE, initrdSize);
  }

  const gdt = new DataView(new ArrayBuffer(32));
  gdt.setBigUint64(LINUX_BOOT_CS, GDT_FLAT_CODE, true);
  gdt.setBigUint64(LINUX_BOOT_DS, GDT_FLAT_DATA, true);
  mem.write(LINUX_GDT_ADDR, new Uint8Array(gdt.buffer));

  return {
    entry: h.code32Start,
    esi: zp,
    gdtBase: LINUX_GDT_ADDR,
    gdtLimit: gdt.byteLength - 1,
    cs: LINUX_BOOT_CS,
    ds: LINUX_BOOT_DS,
    initrdAddr,
    initrdSize,
  };
}
