/* crc32.c: bench guest; table-driven CRC-32 (IEEE 802.3) over a 64 KiB buffer, scale passes. */
#include "bench.h"

#define CRC32_DEFAULT_SCALE 2000 /* scale without a command line: about 300 ms natively */

#define CRC32_POLY 0xEDB88320u /* reflected IEEE 802.3 polynomial */
#define BUF_SIZE 65536          /* bytes hashed per pass */

static uint32_t table[256];
static uint8_t buf[BUF_SIZE];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ CRC32_POLY : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32(const uint8_t *p, uint32_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(CRC32_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  make_table();
  uint32_t seed = 0x12345678u;
  for (uint32_t i = 0; i < BUF_SIZE; i++) buf[i] = (uint8_t)bench_rand(&seed);
  uint32_t sum = bench_mix(BENCH_SUM_INIT, crc32((const uint8_t *)"123456789", 9));
  for (uint32_t pass = 0; pass < scale; pass++) {
    uint32_t crc = crc32(buf, BUF_SIZE);
    sum = bench_mix(sum, crc);
    buf[crc % BUF_SIZE] ^= (uint8_t)pass; /* so each pass hashes different bytes */
  }
  bench_mark(BENCH_MARK_END);
  bench_report("crc32", sum);
  return 0;
}
