/*
 * native_shim.c: lets a bench guest build as a native Linux program; the C library supplies
 * printf, exit and the string functions, and this file supplies main, rdtsc and the command
 * line (the program's arguments, joined by spaces).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

#define CMDLINE_MAX 4096 /* longest command line kept; the rest is dropped */

static char native_cmdline[CMDLINE_MAX];

void runtime_init(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
}

uint64_t rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

const struct multiboot_info *multiboot_info_get(void) {
  return NULL;
}

const char *cmdline_get(void) {
  return native_cmdline;
}

const char *cmdline_args(void) {
  return native_cmdline;
}

long cmdline_get_int(const char *name, long def) {
  size_t len = strlen(name);
  const char *p = native_cmdline;
  while (*p) {
    while (*p == ' ') p++;
    const char *word = p;
    while (*p && *p != ' ') p++;
    if ((size_t)(p - word) > len && memcmp(word, name, len) == 0 && word[len] == '=') {
      char *end;
      long v = strtol(word + len + 1, &end, 0);
      if (end != word + len + 1) return v;
    }
  }
  return def;
}

int main(int argc, char **argv) {
  size_t used = 0;
  for (int i = 1; i < argc; i++) {
    int n = snprintf(native_cmdline + used, sizeof native_cmdline - used, "%s%s",
                     i > 1 ? " " : "", argv[i]);
    if (n < 0 || (size_t)n >= sizeof native_cmdline - used) break;
    used += (size_t)n;
  }
  int status = kmain(MULTIBOOT_BOOT_MAGIC, NULL);
  fflush(stdout);
  return status;
}
