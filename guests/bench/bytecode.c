/* bytecode.c: bench guest; a switch-dispatched stack-machine interpreter running a hash loop. */
#include "bench.h"

#define BYTECODE_DEFAULT_SCALE 1100 /* scale without a command line: about 300 ms natively */

/* The stack machine's instructions; operands follow the opcode byte. */
enum op {
  OP_PUSH,  /* imm32: push it */
  OP_LOAD,  /* r: push register r */
  OP_STORE, /* r: pop into register r */
  OP_ADD,   /* pop b, a; push a + b */
  OP_SUB,   /* pop b, a; push a - b */
  OP_MUL,   /* pop b, a; push a * b */
  OP_XOR,   /* pop b, a; push a ^ b */
  OP_SHL,   /* pop b, a; push a << (b & 31) */
  OP_SHR,   /* pop b, a; push a >> (b & 31) */
  OP_DUP,   /* push the top again */
  OP_JNZ,   /* rel8: pop; jump by rel8 from the next instruction if it is not zero */
  OP_HALT,  /* stop; the result is register 0 */
};

#define REGS 4    /* registers r0..r3 */
#define STACK 64  /* stack slots */

/* r0 = hash, r1 = counter, r2 = x: loop { x = x*1103515245+12345; hash = (hash^x)*16777619 ^
 * (hash >> 7); } while (--counter) */
static const uint8_t program[] = {
    /* 0 */ OP_LOAD, 2, OP_PUSH, 0x6D, 0x4E, 0xC6, 0x41, OP_MUL, OP_PUSH, 0x39, 0x30, 0, 0,
    /* 13 */ OP_ADD, OP_DUP, OP_STORE, 2,
    /* 17 */ OP_LOAD, 0, OP_XOR, OP_PUSH, 0x93, 0x01, 0x00, 0x01, OP_MUL,
    /* 26 */ OP_LOAD, 0, OP_PUSH, 7, 0, 0, 0, OP_SHR, OP_XOR, OP_STORE, 0,
    /* 37 */ OP_LOAD, 1, OP_PUSH, 1, 0, 0, 0, OP_SUB, OP_DUP, OP_STORE, 1,
    /* 48 */ OP_JNZ, (uint8_t)-50,
    /* 50 */ OP_HALT,
};

static uint32_t read32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t run(const uint8_t *code, uint32_t *regs) {
  uint32_t stack[STACK];
  int sp = 0;
  const uint8_t *pc = code;
  for (;;) {
    switch ((enum op)*pc++) {
      case OP_PUSH:
        stack[sp++] = read32(pc);
        pc += 4;
        break;
      case OP_LOAD:
        stack[sp++] = regs[*pc++ % REGS];
        break;
      case OP_STORE:
        regs[*pc++ % REGS] = stack[--sp];
        break;
      case OP_ADD:
        sp--;
        stack[sp - 1] += stack[sp];
        break;
      case OP_SUB:
        sp--;
        stack[sp - 1] -= stack[sp];
        break;
      case OP_MUL:
        sp--;
        stack[sp - 1] *= stack[sp];
        break;
      case OP_XOR:
        sp--;
        stack[sp - 1] ^= stack[sp];
        break;
      case OP_SHL:
        sp--;
        stack[sp - 1] <<= stack[sp] & 31;
        break;
      case OP_SHR:
        sp--;
        stack[sp - 1] >>= stack[sp] & 31;
        break;
      case OP_DUP:
        stack[sp] = stack[sp - 1];
        sp++;
        break;
      case OP_JNZ: {
        int8_t rel = (int8_t)*pc++;
        if (stack[--sp] != 0) pc += rel;
        break;
      }
      case OP_HALT:
      default:
        return regs[0];
    }
  }
}

int kmain(uint32_t magic, struct multiboot_info *info) {
  (void)magic;
  (void)info;
  uint32_t scale = bench_scale(BYTECODE_DEFAULT_SCALE);
  bench_mark(BENCH_MARK_START);
  uint32_t sum = BENCH_SUM_INIT;
  for (uint32_t round = 0; round < scale; round++) {
    uint32_t regs[REGS] = {sum, 10000, round, 0};
    sum = bench_mix(sum, run(program, regs));
  }
  bench_mark(BENCH_MARK_END);
  bench_report("bytecode", sum);
  return 0;
}
