/** Every magic guest-physical address the boot loaders use, written down once. */

// ---------------------------------------------------------------------------------------------
// The PC memory map every loader describes to its guest (multiboot mmap, Linux e820).

/** End of conventional memory handed to the guest (640 KiB minus a 1 KiB EBDA). */
export const CONVENTIONAL_END = 0x9fc00;
/** Start of the legacy VGA and option-ROM hole (end of the reserved EBDA). */
export const LEGACY_HOLE_START = 0xa0000;
/** Start of the system BIOS area, where the ROM's last 64 KiB are aliased. */
export const BIOS_AREA_START = 0xf0000;
/** First byte of extended memory ("high memory", 1 MiB). */
export const HIGH_MEMORY_START = 0x100000;
/** Conventional memory reported as multiboot `mem_lower`, in KiB. */
export const MEM_LOWER_KIB = 640;

// ---------------------------------------------------------------------------------------------
// Boot data written by the loaders: all of it sits in conventional memory below BOOT_DATA_END.

/** First byte of the area the loaders own for boot data (above the real-mode IVT and BDA). */
export const BOOT_DATA_START = 0x9000;
/** End (exclusive) of the boot data area, safely below the EBDA. */
export const BOOT_DATA_END = 0x9f000;

/** Multiboot information structure (Multiboot 0.6.96 §3.3), 88 bytes. */
export const MULTIBOOT_INFO_ADDR = 0x9000;
/** Multiboot memory map buffer (`mmap_addr`), up to 0x200 bytes. */
export const MULTIBOOT_MMAP_ADDR = 0x9200;
/** Multiboot module list (`mods_addr`), 16 bytes per module. */
export const MULTIBOOT_MODULES_ADDR = 0x9400;
/** Largest number of modules the module list area holds ((0xa000 - 0x9400) / 16). */
export const MULTIBOOT_MAX_MODULES = 192;
/** NUL-terminated strings: kernel and module command lines, boot loader name. */
export const MULTIBOOT_STRINGS_ADDR = 0xa000;
/** End (exclusive) of the multiboot strings area. */
export const MULTIBOOT_STRINGS_END = 0x10000;

/** Linux zero page (`struct boot_params`, 4 KiB). */
export const LINUX_ZERO_PAGE_ADDR = 0x10000;
/** Flat GDT handed to a Linux kernel entered through the 32-bit boot protocol. */
export const LINUX_GDT_ADDR = 0x11000;
/** Linux kernel command line (`cmd_line_ptr`). */
export const LINUX_CMDLINE_ADDR = 0x20000;
/** End (exclusive) of the room for the Linux command line. */
export const LINUX_CMDLINE_END = 0x30000;

/** Alignment of multiboot modules and of the Linux initrd (one 4 KiB page). */
export const MODULE_ALIGN = 0x1000;

// ---------------------------------------------------------------------------------------------
// Linux boot protocol (Documentation/arch/x86/boot.rst).

/** Where the protected-mode part of a bzImage is loaded (and its default `code32_start`). */
export const LINUX_KERNEL_ADDR = 0x100000;
/** Highest initrd byte allowed when the kernel does not say (`initrd_addr_max` before 2.03). */
export const LINUX_DEFAULT_INITRD_ADDR_MAX = 0x37ffffff;

// ---------------------------------------------------------------------------------------------
// Firmware ROM and the reset vector (SDM Vol. 3A §9.1.4).

/** CS selector after reset. */
export const RESET_CS = 0xf000;
/** Hidden CS base after reset: the top 64 KiB of the 4 GiB space. */
export const RESET_CS_BASE = 0xffff0000;
/** IP after reset: the first instruction fetched is at physical 0xFFFFFFF0. */
export const RESET_IP = 0xfff0;
/** Where the ROM's last 64 KiB also answer in the first megabyte. */
export const ROM_LOW_ALIAS_ADDR = 0xf0000;
/** Size of the low ROM alias. */
export const ROM_LOW_ALIAS_SIZE = 0x10000;
/** Smallest firmware image accepted (64 KiB). */
export const ROM_MIN_SIZE = 0x10000;
/** Largest firmware image accepted (16 MiB). */
export const ROM_MAX_SIZE = 0x1000000;
