/* memops.c: bench guest; memcpy/memmove/memset/memcmp over a 256 KiB buffer at varied offsets. */
#include "bench.h"

#define MEMOPS_DEFAULT_SCALE 16000 /* scale without a command line: about 300 ms natively */

#define BUF_SIZE 262144 /* bytes in each buffer */
#define OPS 256         /* operations per round */

static uint8_t src[BUF_SIZE], dst[BUF_SIZE];

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(MEMOPS_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  uint32_t seed = 0xA5A5F00Du;
  for (uint32_t i = 0; i < BUF_SIZE; i += 4) {
    uint32_t r = bench_rand(&seed);
    memcpy(&src[i], &r, 4);
  }
  uint32_t sum = BENCH_SUM_INIT;
  for (uint32_t round = 0; round < scale; round++) {
    for (int op = 0; op < OPS; op++) {
      uint32_t r = bench_rand(&seed);
      uint32_t len = 64 + (r >> 20);                  /* 64 .. 4159 bytes */
      uint32_t from = (r & 0xFFFF) % (BUF_SIZE - len); /* any alignment */
      uint32_t to = bench_rand(&seed) % (BUF_SIZE - len);
      switch (r & 3) {
        case 0:
          memcpy(&dst[to], &src[from], len);
          break;
        case 1:
          memset(&dst[to], (int)(r >> 8), len);
          break;
        case 2:
          memmove(&dst[to], &dst[from], len); /* may overlap */
          break;
        default:
          sum = bench_mix(sum, (uint32_t)(memcmp(&dst[to], &src[from], len) > 0));
          memcpy(&src[to], &dst[from], len);
          break;
      }
    }
    uint32_t word = 0;
    for (uint32_t i = 0; i < BUF_SIZE; i += 64) {
      memcpy(&word, &dst[i], 4);
      sum = bench_mix(sum, word);
    }
  }
  bench_mark(BENCH_MARK_END);
  bench_report("memops", sum);
  return 0;
}
