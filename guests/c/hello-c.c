/*
 * hello-c.c: the default guest; exercises the runtime's printf and command-line parsing and
 * exits with status 0. Its output depends only on the command line, not on the memory size.
 */
#include "runtime.h"

/* A small deterministic computation whose result the output shows. */
static uint32_t collatz_steps(uint32_t n) {
  uint32_t steps = 0;
  while (n != 1) {
    n = (n & 1) ? 3 * n + 1 : n / 2;
    steps++;
  }
  return steps;
}

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)info;
  printf("Hello from a C guest on jitvisor!\n");
  printf("boot magic: %s\n", magic == MULTIBOOT_BOOT_MAGIC ? "multiboot (0x2BADB002)" : "unknown");
  printf("signed: %d %i %+d\n", -42, 2147483647, 7);
  printf("unsigned: %u %lu\n", 4000000000u, 123456789ul);
  printf("hex: 0x%x 0x%X 0x%08x [%4x] [%-6x]\n", 0xbeefu, 0xcafeu, 0x1234u, 0xabu, 0xcdu);
  printf("64-bit: %lld 0x%llx\n", -1234567890123ll, 0x123456789abcdefull);
  printf("string: [%s] [%8s] [%-8s] char: %c%c\n", "jit", "right", "left", 'o', 'k');
  printf("pointer: %p percent: 100%%\n", (void *)0x1000);
  uint32_t total = 0;
  for (uint32_t n = 1; n <= 1000; n++) total += collatz_steps(n);
  printf("collatz steps for 1..1000: %u\n", total);
  const char *args = cmdline_args();
  printf("command line arguments: [%s]\n", args);
  printf("greeting count: %ld\n", cmdline_get_int("count", 1));
  printf("goodbye\n");
  return 0;
}
