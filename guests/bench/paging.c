/*
 * paging.c: bench guest; turns on paging with identity-mapped 4 KiB pages, then touches pages of
 * an 8 MiB buffer directly and through a one-page window it remaps (with INVLPG) many times.
 * The native build touches the same memory without paging: its window is a plain pointer.
 */
#include "bench.h"

#define PAGING_DEFAULT_SCALE 9600 /* scale without a command line: about 300 ms natively */

#define PAGE_SIZE 4096u
#define BUF_PAGES 2048u                   /* 8 MiB buffer */
#define WORDS_PER_PAGE (PAGE_SIZE / 4u)
#define TOUCHES 4096u                     /* random window remaps per round */

static uint32_t buffer[BUF_PAGES * WORDS_PER_PAGE] __attribute__((aligned(4096)));

#ifndef JITVISOR_NATIVE
#define PTE_PRESENT 0x001u          /* page is mapped */
#define PTE_WRITABLE 0x002u         /* page is writable */
#define CR0_PG 0x80000000u          /* CR0 bit 31: paging enabled */
#define IDENTITY_TABLES 8u          /* page tables for the identity map: 8 x 4 MiB = 32 MiB */
#define WINDOW_VADDR 0x40000000u    /* virtual address of the remapped window (1 GiB) */

static uint32_t page_directory[1024] __attribute__((aligned(4096)));
static uint32_t identity_tables[IDENTITY_TABLES][1024] __attribute__((aligned(4096)));
static uint32_t window_table[1024] __attribute__((aligned(4096)));

extern char _end[]; /* first byte after the image, from link.ld */

/* Identity-maps everything up to the end of the image and turns paging on (SDM vol. 3A, 4.3). */
static void paging_enable(void) {
  uint32_t end = ((uint32_t)(uintptr_t)_end + 0x3FFFFFu) >> 22; /* 4 MiB regions to map */
  if (end > IDENTITY_TABLES) {
    printf("paging: image too large to identity-map\n");
    exit(1);
  }
  for (uint32_t t = 0; t < end; t++) {
    for (uint32_t i = 0; i < 1024; i++) {
      identity_tables[t][i] = ((t << 22) | (i << 12)) | PTE_PRESENT | PTE_WRITABLE;
    }
    page_directory[t] = (uint32_t)(uintptr_t)identity_tables[t] | PTE_PRESENT | PTE_WRITABLE;
  }
  page_directory[WINDOW_VADDR >> 22] =
      (uint32_t)(uintptr_t)window_table | PTE_PRESENT | PTE_WRITABLE;
  __asm__ volatile("movl %0, %%cr3" : : "r"(page_directory) : "memory");
  uint32_t cr0;
  __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
  __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
}

/* Maps the window onto buffer page `page` and returns the window's address. */
static volatile uint32_t *window_map(uint32_t page) {
  window_table[0] = (uint32_t)(uintptr_t)&buffer[page * WORDS_PER_PAGE] | PTE_PRESENT | PTE_WRITABLE;
  __asm__ volatile("invlpg (%0)" : : "r"(WINDOW_VADDR) : "memory");
  return (volatile uint32_t *)(uintptr_t)WINDOW_VADDR;
}
#else
static void paging_enable(void) {}

static volatile uint32_t *window_map(uint32_t page) {
  return &buffer[page * WORDS_PER_PAGE];
}
#endif

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(PAGING_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  paging_enable();
  uint32_t seed = 0x0BADF00Du;
  uint32_t sum = BENCH_SUM_INIT;
  for (uint32_t round = 0; round < scale; round++) {
    /* A sequential pass: one word in every page, through the identity map. */
    for (uint32_t page = 0; page < BUF_PAGES; page++) {
      uint32_t *word = &buffer[page * WORDS_PER_PAGE + (page + round) % WORDS_PER_PAGE];
      *word += page ^ round;
      sum = bench_mix(sum, *word);
    }
    /* Random pages through the window, each remapped before use. */
    for (uint32_t i = 0; i < TOUCHES; i++) {
      uint32_t r = bench_rand(&seed);
      volatile uint32_t *window = window_map(r % BUF_PAGES);
      uint32_t offset = (r >> 16) % WORDS_PER_PAGE;
      window[offset] = window[offset] * 33u + i;
      sum += window[(offset + 1) % WORDS_PER_PAGE];
    }
  }
  bench_mark(BENCH_MARK_END);
  bench_report("paging", sum);
  return 0;
}
