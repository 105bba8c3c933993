/*
 * native_shim.c: lets a bench guest build as a native Linux program; the C library supplies
 * printf and exit, string.c the string functions, and this file main, rdtsc, the command line
 * (the program's arguments, joined by spaces) and the host-clock side of the bench markers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "runtime.h"

#define CMDLINE_MAX 4096                /* longest command line kept; the rest is dropped */
#define NS_PER_S 1000000000LL           /* nanoseconds in a second */
#define KERNEL_NS_KEY "bench-kernel-ns" /* src/bench/markers.ts reads KEY=N from stderr */

static char native_cmdline[CMDLINE_MAX];
static long long kernel_start_ns = -1; /* CLOCK_MONOTONIC at the first start marker, or -1 */

static long long monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * NS_PER_S + now.tv_nsec;
}

/* As the monitor's timer: the first start counts, and every end reports (the last one wins). */
void native_kernel_start(void) {
  if (kernel_start_ns < 0) kernel_start_ns = monotonic_ns();
}

void native_kernel_end(void) {
  long long end_ns = monotonic_ns();
  if (kernel_start_ns >= 0) fprintf(stderr, KERNEL_NS_KEY "=%lld\n", end_ns - kernel_start_ns);
}

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
