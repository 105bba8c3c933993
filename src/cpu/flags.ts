/**
 * EFLAGS bits and lazy flags (DESIGN.md §4): arithmetic records (op, a, b, result, size) and
 * materialises CF, PF, AF, ZF, SF and OF only when something reads them.
 */

/** Carry flag bit. */
export const CF = 1 << 0;
/** Always-one reserved bit 1. */
export const FLAGS_RESERVED_ONE = 1 << 1;
/** Parity flag: low byte of the result has an even number of set bits. */
export const PF = 1 << 2;
/** Auxiliary carry out of bit 3. */
export const AF = 1 << 4;
/** Zero flag. */
export const ZF = 1 << 6;
/** Sign flag. */
export const SF = 1 << 7;
/** Trap flag: single-step. */
export const TF = 1 << 8;
/** Interrupt enable flag. */
export const IF = 1 << 9;
/** Direction flag: string operations decrement. */
export const DF = 1 << 10;
/** Overflow flag. */
export const OF = 1 << 11;
/** I/O privilege level, two bits at 12–13. */
export const IOPL = 3 << 12;
/** Bit index of IOPL. */
export const IOPL_SHIFT = 12;
/** Nested task flag. */
export const NT = 1 << 14;
/** Resume flag. */
export const RF = 1 << 16;
/** Virtual-8086 mode. */
export const VM = 1 << 17;
/** Alignment check. */
export const AC = 1 << 18;
/** Virtual interrupt flag. */
export const VIF = 1 << 19;
/** Virtual interrupt pending. */
export const VIP = 1 << 20;
/** CPUID available (software can toggle it). */
export const ID = 1 << 21;
/** The six flags the lazy record can produce. */
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** Flags software can change on this CPU (everything else reads as fixed). */
export const WRITABLE_FLAGS = ARITH_FLAGS | TF | IF | DF | IOPL | NT | RF | VM | AC | VIF | VIP |
  ID;

/** No lazy record pending: EFLAGS holds every flag. */
export const LAZY_NONE = 0;
/** a + b. */
export const LAZY_ADD = 1;
/** a + b + carry; the carry is recovered from the result. */
export const LAZY_ADC = 2;
/** a - b (also CMP and NEG with a = 0). */
export const LAZY_SUB = 3;
/** a - b - borrow. */
export const LAZY_SBB = 4;
/** AND, OR, XOR, TEST: CF = OF = 0. */
export const LAZY_LOGIC = 5;
/** a + 1; CF is kept in EFLAGS. */
export const LAZY_INC = 6;
/** a - 1; CF is kept in EFLAGS. */
export const LAZY_DEC = 7;
/** a << b (b in 1..size). */
export const LAZY_SHL = 8;
/** a >>> b (b in 1..size). */
export const LAZY_SHR = 9;
/** a >> b arithmetic (b in 1..size). */
export const LAZY_SAR = 10;

/** Parity of each byte value: PF when the count of set bits is even. */
const PARITY = new Uint8Array(256).map((_, v) => {
  let bits = 0;
  for (let x = v; x !== 0; x >>= 1) bits += x & 1;
  return bits % 2 === 0 ? PF : 0;
});

/** Mask for an operand size in bits. */
export function sizeMask(bits: number): number {
  return bits === 32 ? -1 : (1 << bits) - 1;
}

/** The lazy record as stored in CPU state. */
export interface LazyRecord {
  /** One of the LAZY_* operations. */
  op: number;
  /** First operand. */
  a: number;
  /** Second operand or count. */
  b: number;
  /** Result. */
  res: number;
  /** Operand size in bits. */
  size: number;
}

/**
 * CF of a lazy record, given the stored EFLAGS (for the CF that INC and DEC leave alone). It is
 * the one place CF is derived, so reading CF alone costs less than materialising every flag.
 */
export function lazyCarry(
  op: number,
  a: number,
  b: number,
  res: number,
  size: number,
  stored: number,
): number {
  const mask = sizeMask(size);
  switch (op) {
    case LAZY_ADD:
    case LAZY_ADC: {
      const r = res & mask;
      const ua = (a & mask) >>> 0, ur = r >>> 0;
      const carryIn = op === LAZY_ADC ? ((r - a - b) & mask) !== 0 : false;
      return (carryIn ? ur <= ua : ur < ua) ? CF : 0;
    }
    case LAZY_SUB:
    case LAZY_SBB: {
      const ua = (a & mask) >>> 0, ub = (b & mask) >>> 0;
      const borrowIn = op === LAZY_SBB ? ((a - b - res) & mask) !== 0 : false;
      return (borrowIn ? ua <= ub : ua < ub) ? CF : 0;
    }
    case LAZY_LOGIC:
      return 0;
    case LAZY_SHL:
      return b <= size ? (a >>> (size - b)) & 1 : 0;
    case LAZY_SHR:
      return ((a & mask) >>> (b - 1)) & 1;
    case LAZY_SAR: {
      const sa = (a << (32 - size)) >> (32 - size);
      return (sa >> Math.min(b - 1, 31)) & 1;
    }
    default: // LAZY_NONE, LAZY_INC, LAZY_DEC
      return stored & CF;
  }
}

/**
 * Computes the six arithmetic flags of a lazy record, given the stored EFLAGS (for the CF that
 * INC and DEC leave alone).
 */
export function arithFlags(
  op: number,
  a: number,
  b: number,
  res: number,
  size: number,
  stored: number,
): number {
  const mask = sizeMask(size);
  const sign = 1 << (size - 1);
  const r = res & mask;
  let f = PARITY[r & 0xff] | (r === 0 ? ZF : 0) | (r & sign ? SF : 0) |
    lazyCarry(op, a, b, res, size, stored);
  switch (op) {
    case LAZY_ADD:
    case LAZY_ADC:
      if (((a ^ res) & (b ^ res) & sign) !== 0) f |= OF;
      if (((a ^ b ^ res) & 0x10) !== 0) f |= AF;
      break;
    case LAZY_SUB:
    case LAZY_SBB:
      if (((a ^ b) & (a ^ res) & sign) !== 0) f |= OF;
      if (((a ^ b ^ res) & 0x10) !== 0) f |= AF;
      break;
    case LAZY_INC:
      if (r === sign) f |= OF;
      if ((r & 0xf) === 0) f |= AF;
      break;
    case LAZY_DEC:
      if (r === ((sign - 1) & mask)) f |= OF;
      if ((r & 0xf) === 0xf) f |= AF;
      break;
    case LAZY_SHL:
      if (((r & sign) !== 0 ? 1 : 0) !== (f & CF)) f |= OF;
      break;
    case LAZY_SHR:
      if (a & sign) f |= OF;
      break;
  }
  return f;
}

/** Parity flag for a result (PF when the low byte has an even number of set bits). */
export function parityOf(value: number): number {
  return PARITY[value & 0xff];
}
