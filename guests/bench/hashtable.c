/* hashtable.c: bench guest; an open-addressing hash table with random inserts and lookups. */
#include "bench.h"

#define HASHTABLE_DEFAULT_SCALE 950 /* scale without a command line: about 300 ms natively */

#define SLOTS 16384        /* table size, a power of two */
#define INSERTS 8192       /* keys inserted per round (load factor 1/2) */
#define LOOKUPS 16384      /* lookups per round, about half of them hits */
#define EMPTY 0u           /* key value marking a free slot (keys are never 0) */

static uint32_t keys[SLOTS], values[SLOTS];

static uint32_t hash(uint32_t key) {
  key ^= key >> 16;
  key *= 0x7FEB352Du;
  key ^= key >> 15;
  key *= 0x846CA68Bu;
  return key ^ (key >> 16);
}

static void insert(uint32_t key, uint32_t value) {
  uint32_t i = hash(key) & (SLOTS - 1);
  while (keys[i] != EMPTY && keys[i] != key) i = (i + 1) & (SLOTS - 1);
  keys[i] = key;
  values[i] = value;
}

static int lookup(uint32_t key, uint32_t *value) {
  uint32_t i = hash(key) & (SLOTS - 1);
  while (keys[i] != EMPTY) {
    if (keys[i] == key) {
      *value = values[i];
      return 1;
    }
    i = (i + 1) & (SLOTS - 1);
  }
  return 0;
}

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(HASHTABLE_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  uint32_t sum = BENCH_SUM_INIT;
  for (uint32_t round = 0; round < scale; round++) {
    memset(keys, 0, sizeof keys);
    uint32_t seed = 0x9E3779B9u + round;
    for (uint32_t i = 0; i < INSERTS; i++) {
      uint32_t key = (bench_rand(&seed) & 0x7FFFF) | 1; /* small key space: some repeats */
      insert(key, i);
    }
    uint32_t hits = 0, total = 0;
    for (uint32_t i = 0; i < LOOKUPS; i++) {
      uint32_t key = (bench_rand(&seed) & 0x7FFFF) | 1, value;
      if (lookup(key, &value)) {
        hits++;
        total += value;
      }
    }
    sum = bench_mix(bench_mix(sum, hits), total);
  }
  bench_mark(BENCH_MARK_END);
  bench_report("hashtable", sum);
  return 0;
}
