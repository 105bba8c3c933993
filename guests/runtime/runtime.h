/*
 * runtime.h: the freestanding runtime every C guest links against (COM1 output, printf, exit,
 * string functions, multiboot command line). Names and signatures follow the C library where a C
 * library function of the same name exists, so the same sources also build as native programs
 * (define JITVISOR_NATIVE and link native_shim.c instead of start.asm + runtime.c; string.c is
 * linked into both).
 */
#ifndef JITVISOR_RUNTIME_H
#define JITVISOR_RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u /* EAX at entry when loaded by a multiboot loader */

/* The part of the multiboot v1 information structure the runtime reads. */
struct multiboot_info {
  uint32_t flags;       /* which of the fields below are valid */
  uint32_t mem_lower;   /* KiB of memory below 1 MiB (flags bit 0) */
  uint32_t mem_upper;   /* KiB of memory above 1 MiB (flags bit 0) */
  uint32_t boot_device; /* flags bit 1 */
  uint32_t cmdline;     /* physical address of a NUL-terminated command line (flags bit 2) */
  uint32_t mods_count;  /* number of boot modules (flags bit 3) */
  uint32_t mods_addr;   /* physical address of the module list (flags bit 3) */
};

#define MULTIBOOT_INFO_MEMORY (1u << 0)  /* mem_lower and mem_upper are valid */
#define MULTIBOOT_INFO_CMDLINE (1u << 2) /* cmdline is valid */
#define MULTIBOOT_INFO_MODS (1u << 3)    /* mods_count and mods_addr are valid */

/* The guest's entry point, called with the registers the loader set (native: magic, NULL). */
int kmain(uint32_t magic, struct multiboot_info *info);

#ifdef JITVISOR_NATIVE
/* Native builds take output and exit from the C library (not <string.h>: see string.c below). */
#include <stdio.h>
#include <stdlib.h>

/* Native builds only (native_shim.c): reads CLOCK_MONOTONIC where a bench kernel starts. */
void native_kernel_start(void);
/* Native builds only: reads the clock where the kernel ends; prints bench-kernel-ns=N to stderr. */
void native_kernel_end(void);
#else
/* Called by start.asm before kmain: records the multiboot info and initialises COM1. */
void runtime_init(uint32_t magic, struct multiboot_info *info);

/* Writes one byte to COM1 and returns it. No newline translation. */
int putchar(int c);
/* Writes `s` and a newline to COM1; returns a non-negative number. */
int puts(const char *s);
/* Formats to COM1: %d %i %u %x %X %o %c %s %p %%, flags '-' '0', width, l/ll/h/hh/z. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As printf, with a va_list. */
int vprintf(const char *fmt, va_list ap);
/* Formats into `buf` (at most `size` bytes including the NUL); returns the untruncated length. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Ends the VM: a 32-bit write of `status` to port 0xF4. Never returns. */
void exit(int status) __attribute__((noreturn));
#endif

/*
 * string.c, in both builds: plain C loops, so a native build runs the same memcpy as the guest
 * rather than the C library's (a program's own definitions take precedence over the library's).
 */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* Reads the time-stamp counter. */
uint64_t rdtsc(void);

/* The whole multiboot command line ("" if the loader gave none). */
const char *cmdline_get(void);
/*
 * The command line without its first word when that word is the image path (it holds no '='),
 * as QEMU and GRUB put the path of the kernel first.
 */
const char *cmdline_args(void);
/* The value of `name=value` in the command line as an integer (decimal or 0x hex), or `def`. */
long cmdline_get_int(const char *name, long def);

/* The multiboot information passed at boot (NULL when there was none). */
const struct multiboot_info *multiboot_info_get(void);

#endif
