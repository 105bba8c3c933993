/*
 * bench.h: what every bench guest shares: a xorshift32 generator, a checksum mixer and the
 * scale parameter read from the command line.
 */
#ifndef JITVISOR_BENCH_H
#define JITVISOR_BENCH_H

#include "runtime.h"

/* Advances a xorshift32 generator (Marsaglia, 13/17/5) and returns its new state. */
static inline uint32_t bench_rand(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

/* Folds `value` into `sum` (FNV-1a style over the 32-bit word). */
static inline uint32_t bench_mix(uint32_t sum, uint32_t value) {
  return (sum ^ value) * 16777619u;
}

/* The initial checksum. */
#define BENCH_SUM_INIT 2166136261u

/* Reads `scale=N` from the command line (at least 1): work grows linearly with N. */
static inline uint32_t bench_scale(long def) {
  long scale = cmdline_get_int("scale", def);
  return scale < 1 ? 1u : (uint32_t)scale;
}

/* The marker port the monitor timestamps, so the kernel alone can be timed (src/bench/markers.ts). */
#define BENCH_MARKER_PORT 0x0510
/* Marker: the timed kernel starts. */
#define BENCH_MARK_START 1
/* Marker: the timed kernel has ended. */
#define BENCH_MARK_END 2

/* Writes a timing marker; natively, native_shim.c reads the host clock in its place. */
static inline void bench_mark(uint8_t mark) {
#ifdef JITVISOR_NATIVE
  if (mark == BENCH_MARK_START) native_kernel_start();
  else if (mark == BENCH_MARK_END) native_kernel_end();
#else
  __asm__ volatile("outb %0, %1" : : "a"(mark), "Nd"((uint16_t)BENCH_MARKER_PORT));
#endif
}

/* Prints the result line every bench guest ends with. */
static inline void bench_report(const char *name, uint32_t checksum) {
  printf("%s: checksum=0x%08x\n", name, checksum);
}

#endif
