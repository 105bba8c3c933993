/**
 * Boot loaders: Multiboot v1 kernels (ELF32 or a.out kludge), Linux bzImages through the 32-bit
 * boot protocol, reset-vector firmware ROMs, and descriptions of images for `jitvisor info`.
 *
 * @module
 */

export * from "./layout.ts";
export { formatSize, hex, ImageFormatError, loadSubject } from "./image_error.ts";
export {
  type Elf32Image,
  type Elf32Segment,
  isElf,
  parseElf32,
  PF_R,
  PF_W,
  PF_X,
  physicalEntry,
  PT_LOAD,
  segmentFlagsText,
} from "./elf32.ts";
export {
  findMultibootHeader,
  MB_FLAG_AOUT_KLUDGE,
  MB_FLAG_MEMORY_INFO,
  MB_FLAG_PAGE_ALIGN,
  MB_FLAG_VIDEO_MODE,
  MULTIBOOT_HEADER_MAGIC,
  MULTIBOOT_SEARCH_LIMIT,
  type MultibootAoutFields,
  multibootFlagNames,
  type MultibootHeader,
  type MultibootVideoFields,
} from "./multiboot_header.ts";
export {
  aoutSegment,
  loadMultiboot,
  MULTIBOOT_BOOTLOADER_MAGIC,
  MULTIBOOT_LOADER_NAME,
  type MultibootBoot,
  type MultibootModule,
  type MultibootOptions,
} from "./multiboot.ts";
export { loadResetRom, type ResetState } from "./rom.ts";
export {
  isLinuxImage,
  type LinuxSetupHeader,
  parseLinuxSetupHeader,
  protocolText,
} from "./linux_header.ts";
export {
  LINUX_BOOT_CS,
  LINUX_BOOT_DS,
  LINUX_MIN_PROTOCOL,
  type LinuxBoot,
  type LinuxOptions,
  loadLinux,
} from "./linux.ts";
export {
  describeImage,
  formatImageInfo,
  type ImageFormat,
  type ImageInfo,
  type LinuxHeaderInfo,
  type MultibootHeaderInfo,
  type SegmentInfo,
} from "./image_info.ts";
export type { PhysicalKind, PhysicalMemory } from "../cpu/physical_memory.ts";
