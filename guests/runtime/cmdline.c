/*
 * cmdline.c: reads `name=value` words from the boot command line; shared by the guest runtime
 * and the native shim, so both parse a command line the same way.
 */
#include "runtime.h"

static const char *cmdline_text = "";

void cmdline_set(const char *text) { cmdline_text = text != NULL ? text : ""; }

const char *cmdline_get(void) { return cmdline_text; }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

const char *cmdline_args(void) {
  const char *p = cmdline_text;
  while (is_space(*p)) p++;
  const char *word = p;
  int has_equals = 0;
  while (*p != '\0' && !is_space(*p)) {
    if (*p == '=') has_equals = 1;
    p++;
  }
  if (has_equals || p == word) return word;
  while (is_space(*p)) p++;
  return p;
}

/* Parses an optionally signed decimal or 0x-prefixed hex number ending at a space or NUL. */
static int parse_long(const char *p, long *out) {
  int negative = 0;
  if (*p == '-' || *p == '+') negative = *p++ == '-';
  unsigned long value = 0;
  unsigned base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    base = 16;
    p += 2;
  }
  int digits = 0;
  for (; *p != '\0' && !is_space(*p); p++) {
    unsigned d;
    if (*p >= '0' && *p <= '9') d = (unsigned)(*p - '0');
    else if (*p >= 'a' && *p <= 'f') d = (unsigned)(*p - 'a' + 10);
    else if (*p >= 'A' && *p <= 'F') d = (unsigned)(*p - 'A' + 10);
    else return 0;
    if (d >= base) return 0;
    value = value * base + d;
    digits++;
  }
  if (digits == 0) return 0;
  *out = negative ? -(long)value : (long)value;
  return 1;
}

long cmdline_get_int(const char *name, long def) {
  const char *p = cmdline_text;
  while (*p != '\0') {
    while (is_space(*p)) p++;
    const char *n = name;
    const char *q = p;
    while (*n != '\0' && *q == *n) {
      q++;
      n++;
    }
    long value;
    if (*n == '\0' && *q == '=' && parse_long(q + 1, &value)) return value;
    while (*p != '\0' && !is_space(*p)) p++;
  }
  return def;
}
