/* recursion.c: bench guest; call-heavy recursion (Fibonacci, Takeuchi, Ackermann), scale rounds. */
#include "bench.h"

#define RECURSION_DEFAULT_SCALE 2400 /* scale without a command line: about 300 ms natively */

/* noinline keeps gcc from folding the recursion into the caller. */
static __attribute__((noinline)) uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static __attribute__((noinline)) int tak(int x, int y, int z) {
  return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

static __attribute__((noinline)) uint32_t ackermann(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(RECURSION_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  uint32_t sum = BENCH_SUM_INIT;
  for (uint32_t round = 0; round < scale; round++) {
    uint32_t k = round % 3; /* vary the arguments a little, keeping the work per round even */
    sum = bench_mix(sum, fib(20 + (k == 1)));
    sum = bench_mix(sum, (uint32_t)tak(12 + (int)k, 8, 4));
    sum = bench_mix(sum, ackermann(2, 200 + k));
  }
  bench_mark(BENCH_MARK_END);
  bench_report("recursion", sum);
  return 0;
}
