/* sort.c: bench guest; sorts 4 Ki PRNG words per round, alternating quicksort and heapsort. */
#include "bench.h"

#define SORT_DEFAULT_SCALE 1200 /* scale without a command line: about 300 ms natively */

#define COUNT 4096 /* words sorted per round */
#define INSERTION_MAX 16 /* quicksort hands ranges this short to insertion sort */

static uint32_t data[COUNT];

static void insertion_sort(uint32_t *v, int n) {
  for (int i = 1; i < n; i++) {
    uint32_t x = v[i];
    int j = i - 1;
    for (; j >= 0 && v[j] > x; j--) v[j + 1] = v[j];
    v[j + 1] = x;
  }
}

static void quicksort(uint32_t *v, int n) {
  while (n > INSERTION_MAX) {
    uint32_t pivot = v[n / 2];
    int i = 0, j = n - 1;
    for (;;) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i >= j) break;
      uint32_t t = v[i];
      v[i++] = v[j];
      v[j--] = t;
    }
    /* Recurse into the smaller part, loop on the larger: the stack stays logarithmic. */
    int left = j + 1;
    if (left < n - left) {
      quicksort(v, left);
      v += left;
      n -= left;
    } else {
      quicksort(v + left, n - left);
      n = left;
    }
  }
  insertion_sort(v, n);
}

static void sift_down(uint32_t *v, int root, int n) {
  for (;;) {
    int child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && v[child + 1] > v[child]) child++;
    if (v[root] >= v[child]) return;
    uint32_t t = v[root];
    v[root] = v[child];
    v[child] = t;
    root = child;
  }
}

static void heapsort(uint32_t *v, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) sift_down(v, i, n);
  for (int end = n - 1; end > 0; end--) {
    uint32_t t = v[0];
    v[0] = v[end];
    v[end] = t;
    sift_down(v, 0, end);
  }
}

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(SORT_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  uint32_t seed = 0xDEADBEEFu;
  uint32_t sum = BENCH_SUM_INIT;
  for (uint32_t round = 0; round < scale; round++) {
    for (int i = 0; i < COUNT; i++) data[i] = bench_rand(&seed);
    if (round & 1) heapsort(data, COUNT);
    else quicksort(data, COUNT);
    uint32_t unsorted = 0;
    for (int i = 1; i < COUNT; i++) unsorted += data[i - 1] > data[i];
    sum = bench_mix(sum, unsorted);
    for (int i = 0; i < COUNT; i += 1021) sum = bench_mix(sum, data[i]);
  }
  bench_mark(BENCH_MARK_END);
  bench_report("sort", sum);
  return 0;
}
