/*
 * runtime.c: the freestanding runtime for C guests: a polled 16550 driver on COM1, a small
 * printf, exit through the isa-debug-exit port and command-line parsing (the string functions are
 * in string.c).
 */
#include "runtime.h"

#define COM1_BASE 0x3F8u          /* first serial port */
#define UART_THR 0u               /* transmit holding register (DLAB=0) */
#define UART_IER 1u               /* interrupt enable register (DLAB=0) */
#define UART_DLL 0u               /* divisor latch low byte (DLAB=1) */
#define UART_DLM 1u               /* divisor latch high byte (DLAB=1) */
#define UART_FCR 2u               /* FIFO control register */
#define UART_LCR 3u               /* line control register */
#define UART_MCR 4u               /* modem control register */
#define UART_LSR 5u               /* line status register */
#define LCR_8N1 0x03u             /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB 0x80u            /* divisor latch access bit */
#define FCR_ENABLE_CLEAR 0x07u    /* enable FIFOs and clear both */
#define MCR_DTR_RTS 0x03u         /* data terminal ready, request to send; OUT2 off (no IRQ) */
#define LSR_THR_EMPTY 0x20u       /* THR can take a byte */
#define UART_DIVISOR_115200 1u    /* 115200 baud from the 1.8432 MHz clock */
#define EXIT_PORT 0xF4u           /* isa-debug-exit: a 32-bit write of V ends the VM */
#define TX_SPIN_LIMIT 1000000u    /* give up waiting for THR after this many polls */

static const struct multiboot_info *boot_info;
static const char *boot_cmdline = "";

static inline void outb(uint16_t port, uint8_t value) {
  __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t value) {
  __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port) {
  uint8_t value;
  __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

void runtime_init(uint32_t magic, struct multiboot_info *info) {
  if (magic == MULTIBOOT_BOOT_MAGIC && info != NULL) {
    boot_info = info;
    if ((info->flags & MULTIBOOT_INFO_CMDLINE) && info->cmdline != 0) {
      boot_cmdline = (const char *)(uintptr_t)info->cmdline;
    }
  }
  outb(COM1_BASE + UART_IER, 0x00);
  outb(COM1_BASE + UART_LCR, LCR_DLAB);
  outb(COM1_BASE + UART_DLL, UART_DIVISOR_115200 & 0xFF);
  outb(COM1_BASE + UART_DLM, UART_DIVISOR_115200 >> 8);
  outb(COM1_BASE + UART_LCR, LCR_8N1);
  outb(COM1_BASE + UART_FCR, FCR_ENABLE_CLEAR);
  outb(COM1_BASE + UART_MCR, MCR_DTR_RTS);
}

int putchar(int c) {
  for (uint32_t spins = 0; spins < TX_SPIN_LIMIT; spins++) {
    if (inb(COM1_BASE + UART_LSR) & LSR_THR_EMPTY) break;
  }
  outb(COM1_BASE + UART_THR, (uint8_t)c);
  return (uint8_t)c;
}

int puts(const char *s) {
  while (*s) putchar(*s++);
  putchar('\n');
  return 0;
}

void exit(int status) {
  outl(EXIT_PORT, (uint32_t)status);
  for (;;) __asm__ volatile("cli; hlt");
}

uint64_t rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

/* ---- printf ---------------------------------------------------------------------------- */

/* Where formatted characters go: COM1 (buf == NULL) or a bounded buffer. */
struct sink {
  char *buf;
  size_t size;
  size_t len;
};

static void sink_put(struct sink *out, char c) {
  if (out->buf == NULL) {
    putchar(c);
  } else if (out->len + 1 < out->size) {
    out->buf[out->len] = c;
  }
  out->len++;
}

static void sink_pad(struct sink *out, char c, int count) {
  for (; count > 0; count--) sink_put(out, c);
}

/* Writes `digits` (length n) with sign/prefix, padded to `width` as the flags ask. */
static void emit_number(struct sink *out, const char *prefix, const char *digits, int n,
                        int width, int left, int zero) {
  int plen = (int)strlen(prefix);
  int pad = width - plen - n;
  if (!left && !zero) sink_pad(out, ' ', pad);
  for (int i = 0; i < plen; i++) sink_put(out, prefix[i]);
  if (!left && zero) sink_pad(out, '0', pad);
  for (int i = 0; i < n; i++) sink_put(out, digits[i]);
  if (left) sink_pad(out, ' ', pad);
}

/* Converts `value` to digits in `base`, most significant first; returns the digit count. */
static int to_digits(char *tmp, uint64_t value, unsigned base, int upper) {
  const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char rev[24];
  int n = 0;
  do {
    rev[n++] = set[value % base];
    value /= base;
  } while (value != 0);
  for (int i = 0; i < n; i++) tmp[i] = rev[n - 1 - i];
  return n;
}

static int format(struct sink *out, const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      sink_put(out, *fmt);
      continue;
    }
    fmt++;
    int left = 0, zero = 0, plus = 0, space = 0, width = 0, longs = 0;
    for (;; fmt++) {
      if (*fmt == '-') left = 1;
      else if (*fmt == '0') zero = 1;
      else if (*fmt == '+') plus = 1;
      else if (*fmt == ' ') space = 1;
      else break;
    }
    if (*fmt == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        left = 1;
        width = -width;
      }
      fmt++;
    } else {
      while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    }
    for (;; fmt++) {
      if (*fmt == 'l') longs++;
      else if (*fmt == 'z') longs = 1;
      else if (*fmt != 'h') break;
    }
    char digits[24];
    const char *prefix = "";
    uint64_t u;
    int n;
    switch (*fmt) {
      case 'd':
      case 'i': {
        int64_t v = longs >= 2 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int);
        u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        prefix = v < 0 ? "-" : plus ? "+" : space ? " " : "";
        n = to_digits(digits, u, 10, 0);
        emit_number(out, prefix, digits, n, width, left, zero);
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        u = longs >= 2 ? va_arg(ap, unsigned long long)
            : longs    ? va_arg(ap, unsigned long)
                       : va_arg(ap, unsigned int);
        unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
        n = to_digits(digits, u, base, *fmt == 'X');
        emit_number(out, "", digits, n, width, left, zero);
        break;
      }
      case 'p':
        u = (uintptr_t)va_arg(ap, void *);
        n = to_digits(digits, u, 16, 0);
        emit_number(out, "0x", digits, n, width, left, zero);
        break;
      case 'c':
        digits[0] = (char)va_arg(ap, int);
        emit_number(out, "", digits, 1, width, left, 0);
        break;
      case 's': {
        const char *s = va_arg(ap, const char *);
        if (s == NULL) s = "(null)";
        n = (int)strlen(s);
        if (!left) sink_pad(out, ' ', width - n);
        for (int i = 0; i < n; i++) sink_put(out, s[i]);
        if (left) sink_pad(out, ' ', width - n);
        break;
      }
      case '%':
        sink_put(out, '%');
        break;
      case '\0':
        fmt--; /* a lone '%' at the end: stop at the terminator */
        break;
      default: /* unknown conversion: print it as written */
        sink_put(out, '%');
        sink_put(out, *fmt);
        break;
    }
  }
  return (int)out->len;
}

int vprintf(const char *fmt, va_list ap) {
  struct sink out = {NULL, 0, 0};
  return format(&out, fmt, ap);
}

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...) {
  struct sink out = {buf, size, 0};
  va_list ap;
  va_start(ap, fmt);
  int n = format(&out, fmt, ap);
  va_end(ap);
  if (size > 0) buf[out.len < size ? out.len : size - 1] = '\0';
  return n;
}

/* ---- multiboot and command line -------------------------------------------------------- */

const struct multiboot_info *multiboot_info_get(void) {
  return boot_info;
}

const char *cmdline_get(void) {
  return boot_cmdline;
}

const char *cmdline_args(void) {
  const char *p = boot_cmdline;
  while (*p == ' ') p++;
  const char *word = p;
  int has_eq = 0;
  while (*p && *p != ' ') has_eq |= *p++ == '=';
  if (has_eq) return word;
  while (*p == ' ') p++;
  return p;
}

/* Parses a decimal or 0x-prefixed hex integer with an optional sign; *ok says if any digit. */
static long parse_long(const char *s, int *ok) {
  int neg = 0;
  unsigned long v = 0;
  unsigned base = 10;
  *ok = 0;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  for (;; s++) {
    unsigned d;
    if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
    else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
    else if (base == 16 && *s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
    else break;
    v = v * base + d;
    *ok = 1;
  }
  return neg ? -(long)v : (long)v;
}

long cmdline_get_int(const char *name, long def) {
  size_t len = strlen(name);
  const char *p = boot_cmdline;
  while (*p) {
    while (*p == ' ') p++;
    const char *word = p;
    while (*p && *p != ' ') p++;
    if ((size_t)(p - word) > len && memcmp(word, name, len) == 0 && word[len] == '=') {
      int ok;
      long v = parse_long(word + len + 1, &ok);
      if (ok) return v;
    }
  }
  return def;
}
