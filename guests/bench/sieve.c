/* sieve.c: bench guest; sieves of Eratosthenes over byte arrays, scale rounds of about 32 Ki. */
#include "bench.h"

#define SIEVE_DEFAULT_SCALE 6400 /* scale without a command line: about 300 ms natively */

#define SIEVE_MAX 32768 /* largest limit a round sieves up to */

static uint8_t composite[SIEVE_MAX];

/* Sieves [0, limit) and returns a checksum of the primes found. */
static uint32_t sieve(uint32_t limit) {
  memset(composite, 0, limit);
  for (uint32_t i = 2; i * i < limit; i++) {
    if (composite[i]) continue;
    for (uint32_t j = i * i; j < limit; j += i) composite[j] = 1;
  }
  uint32_t count = 0, sum = 0;
  for (uint32_t i = 2; i < limit; i++) {
    if (!composite[i]) {
      count++;
      sum += i;
    }
  }
  return bench_mix(count, sum);
}

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(SIEVE_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  uint32_t sum = BENCH_SUM_INIT;
  for (uint32_t round = 0; round < scale; round++) {
    sum = bench_mix(sum, sieve(SIEVE_MAX - (round * 7919u) % 1024u));
  }
  bench_mark(BENCH_MARK_END);
  bench_report("sieve", sum);
  return 0;
}
