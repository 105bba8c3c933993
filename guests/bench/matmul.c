/* matmul.c: bench guest; 64x64 integer matrix products (wrapping 32-bit), scale of them. */
#include "bench.h"

#define MATMUL_DEFAULT_SCALE 7200 /* scale without a command line: about 300 ms natively */

#define N 64 /* matrix order */

static uint32_t a[N][N], b[N][N], c[N][N];

static void multiply(void) {
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) c[i][j] = 0;
    for (int k = 0; k < N; k++) {
      uint32_t aik = a[i][k];
      for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
    }
  }
}

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(MATMUL_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  uint32_t seed = 0xC0FFEEu;
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) {
      a[i][j] = bench_rand(&seed) & 0xFFFF;
      b[i][j] = bench_rand(&seed) & 0xFFFF;
    }
  }
  uint32_t sum = BENCH_SUM_INIT;
  for (uint32_t round = 0; round < scale; round++) {
    multiply();
    uint32_t trace = 0;
    for (int i = 0; i < N; i++) trace += c[i][i];
    sum = bench_mix(sum, trace);
    /* Feed the product back, kept small so the values stay varied. */
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) a[i][j] = (c[i][j] >> 7) & 0xFFFF;
    }
  }
  bench_mark(BENCH_MARK_END);
  bench_report("matmul", sum);
  return 0;
}
