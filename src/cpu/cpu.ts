/**
 * The architectural CPU as both engines see it: register, flag, segment and memory access over
 * the shared state bytes of `state.ts`. Guest exceptions are raised with `raise()` (fault.ts) and
 * leave the state as it was before the instruction.
 */

import type { CpuEnvironment } from "./environment.ts";
import { CpuFault, GP, raise, SS_FAULT } from "./fault.ts";
import {
  ARITH_FLAGS,
  arithFlags,
  CF,
  FLAGS_RESERVED_ONE,
  LAZY_DEC,
  LAZY_INC,
  LAZY_NONE,
  lazyCarry,
  OF,
  PF,
  SF,
  sizeMask,
  VM,
  ZF,
} from "./flags.ts";
import { Mmu } from "./mmu.ts";
import type { PhysicalMemory } from "./physical_memory.ts";
import {
  CS,
  OFF_A20_MASK,
  OFF_CPL,
  OFF_CR0,
  OFF_EFLAGS,
  OFF_EIP,
  OFF_GDTR_LIMIT,
  OFF_HALTED,
  OFF_IDTR_LIMIT,
  OFF_INHIBIT_IRQ,
  OFF_LAZY_A,
  OFF_LAZY_B,
  OFF_LAZY_OP,
  OFF_LAZY_RES,
  OFF_LAZY_SIZE,
  SEG_ATTRS,
  SEG_BASE,
  SEG_LIMIT,
  SEG_SELECTOR,
  segOffset,
  SS,
} from "./state.ts";
import type { Instr } from "./decode/instr.ts";

/** CR0.PE: protected mode. */
export const CR0_PE = 1 << 0;
/** CR0.MP: monitor coprocessor. */
export const CR0_MP = 1 << 1;
/** CR0.EM: x87 emulation (x87 instructions raise #NM). */
export const CR0_EM = 1 << 2;
/** CR0.TS: task switched. */
export const CR0_TS = 1 << 3;
/** CR0.ET: extension type (reads as 1). */
export const CR0_ET = 1 << 4;
/** CR0.NE: native x87 error reporting. */
export const CR0_NE = 1 << 5;
/** CR0.WP: supervisor writes honour read-only pages. */
export const CR0_WP = 1 << 16;
/** CR0.AM: alignment mask. */
export const CR0_AM = 1 << 18;
/** CR0.NW: not write-through. */
export const CR0_NW = 1 << 29;
/** CR0.CD: cache disable. */
export const CR0_CD = 1 << 30;
/** CR0.PG: paging. */
export const CR0_PG = 1 << 31;

/** Segment attribute bits (descriptor bits 40–55 shifted down by 40). */
export const ATTR_ACCESSED = 1 << 0;
/** Data: writable; code: readable. */
export const ATTR_RW = 1 << 1;
/** Data: expand-down; code: conforming. */
export const ATTR_DC = 1 << 2;
/** Code segment (else data). */
export const ATTR_CODE = 1 << 3;
/** Code or data (else system). */
export const ATTR_S = 1 << 4;
/** Bit index of the DPL field. */
export const ATTR_DPL_SHIFT = 5;
/** Present. */
export const ATTR_P = 1 << 7;
/** Default operand size 32 bits (code) / big stack (data). */
export const ATTR_DB = 1 << 14;
/** Granularity 4 KiB. */
export const ATTR_G = 1 << 15;

/** Real-mode style attributes: present, writable data, accessed. */
export const ATTRS_REAL_DATA = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED;

/** Architectural CPU over the shared state memory. */
export class Cpu {
  /** Guest physical memory (and the shared WebAssembly.Memory). */
  readonly mem: PhysicalMemory;
  /** i32 view of the whole shared memory; state fields at offset/4. */
  readonly i32: Int32Array;
  /** u16 view of the whole shared memory. */
  readonly u16: Uint16Array;
  /** u8 view of the whole shared memory. */
  readonly u8: Uint8Array;
  /** DataView of the whole shared memory, for unaligned guest data. */
  readonly view: DataView;
  /** Paging, TLB and the memory slow path. */
  readonly mmu: Mmu;
  /** Ports, MMIO, CPUID, MSRs. */
  env: CpuEnvironment;

  /** Cached: CS default size is 32 bits. */
  code32 = false;
  /** Cached: SS B bit (32-bit stack pointer). */
  stack32 = false;
  /** Segments needing limit checks (bit per segment register). */
  checkedSegs = 0;
  /** Segments whose base is 0 (bit per segment register), so linear address = offset. */
  zeroBaseSegs = 0;
  /** EIP of the instruction being executed (for faults and relative branches). */
  startEip = 0;
  /** Set by an instruction that needs the run loop's attention (hlt, sti, an exit, a mode change). */
  stopRequested = false;

  /**
   * Creates a CPU in its power-on state over `mem`.
   * @param mem guest physical memory (its WebAssembly.Memory also holds the state)
   * @param env the machine around the CPU
   */
  constructor(mem: PhysicalMemory, env: CpuEnvironment) {
    this.mem = mem;
    const buf = mem.memory.buffer;
    this.i32 = new Int32Array(buf);
    this.u16 = new Uint16Array(buf);
    this.u8 = new Uint8Array(buf);
    this.view = new DataView(buf);
    this.env = env;
    this.mmu = new Mmu(this);
    this.reset();
  }

  /** Puts the CPU in its power-on state (SDM vol. 3 §9.1.1), executing at F000:FFF0. */
  reset(): void {
    this.u8.fill(0, 0, 1024);
    this.i32[OFF_EFLAGS >> 2] = FLAGS_RESERVED_ONE;
    this.i32[OFF_CR0 >> 2] = CR0_ET | CR0_CD | CR0_NW;
    this.i32[OFF_A20_MASK >> 2] = -1;
    // SDM vol. 3 table 9-1: GDTR and IDTR have base 0 and limit 0xFFFF after reset.
    this.i32[OFF_IDTR_LIMIT >> 2] = 0xffff;
    this.i32[OFF_GDTR_LIMIT >> 2] = 0xffff;
    for (let s = 0; s < 6; s++) this.setSegmentCache(s, 0, 0, 0xffff, ATTRS_REAL_DATA);
    this.setSegmentCache(CS, 0xf000, 0xffff0000, 0xffff, ATTRS_REAL_DATA | ATTR_CODE);
    this.i32[OFF_EIP >> 2] = 0xfff0;
    this.i32[2] = 0x600; // EDX: family 6 signature after reset
    this.mmu.flushAll();
    this.refreshMode();
  }

  /** Asks the engine to return to the run loop after this instruction. */
  requestStop(): void {
    this.stopRequested = true;
  }
  /** Blocks external interrupts for one instruction (after sti and loads of SS). */
  inhibitInterrupts(): void {
    this.i32[OFF_INHIBIT_IRQ >> 2] = 1;
    this.stopRequested = true;
  }
  /** Whether the CPU is halted waiting for an interrupt. */
  get halted(): boolean {
    return this.i32[OFF_HALTED >> 2] !== 0;
  }
  set halted(v: boolean) {
    this.i32[OFF_HALTED >> 2] = v ? 1 : 0;
  }

  /**
   * Enters flat 32-bit protected mode as a multiboot loader leaves the CPU: CR0.PE set, paging
   * off, CS a 4 GiB execute/read segment (selector 0x08), the data segments 4 GiB read/write
   * (selector 0x10), interrupts off.
   */
  enterFlatProtectedMode(): void {
    this.i32[OFF_CR0 >> 2] = (this.cr0 | CR0_PE) & ~CR0_PG;
    const data = ATTRS_REAL_DATA | ATTR_DB | ATTR_G;
    for (let s = 0; s < 6; s++) this.setSegmentCache(s, 0x10, 0, 0xffffffff, data);
    this.setSegmentCache(CS, 0x08, 0, 0xffffffff, data | ATTR_CODE);
    this.cpl = 0;
    this.setFlags(FLAGS_RESERVED_ONE);
    this.mmu.flushAll();
    this.refreshMode();
  }

  // ---- registers -----------------------------------------------------------------------------

  /** EIP. */
  get eip(): number {
    return this.i32[OFF_EIP >> 2];
  }
  set eip(v: number) {
    this.i32[OFF_EIP >> 2] = v;
  }
  /** 32-bit general register r (EAX=0 …). */
  reg32(r: number): number {
    return this.i32[r];
  }
  /** Sets 32-bit general register r. */
  setReg32(r: number, v: number): void {
    this.i32[r] = v;
  }
  /** 16-bit general register r. */
  reg16(r: number): number {
    return this.u16[r << 1];
  }
  /** Sets 16-bit general register r. */
  setReg16(r: number, v: number): void {
    this.u16[r << 1] = v;
  }
  /** 8-bit register r in encoding order (AL, CL, DL, BL, AH, CH, DH, BH). */
  reg8(r: number): number {
    return this.u8[((r & 3) << 2) | (r >> 2)];
  }
  /** Sets 8-bit register r. */
  setReg8(r: number, v: number): void {
    this.u8[((r & 3) << 2) | (r >> 2)] = v;
  }
  /** Register r of `size` bytes, zero-extended (32-bit values are signed i32). */
  readReg(r: number, size: number): number {
    return size === 4
      ? this.i32[r]
      : size === 2
      ? this.u16[r << 1]
      : this.u8[((r & 3) << 2) | (r >> 2)];
  }
  /** Writes register r of `size` bytes. */
  writeReg(r: number, size: number, v: number): void {
    if (size === 4) this.i32[r] = v;
    else if (size === 2) this.u16[r << 1] = v;
    else this.u8[((r & 3) << 2) | (r >> 2)] = v;
  }

  // ---- flags ---------------------------------------------------------------------------------

  /** Records a lazy flag computation (see flags.ts). */
  setLazy(op: number, a: number, b: number, res: number, bits: number): void {
    const i32 = this.i32;
    i32[OFF_LAZY_OP >> 2] = op;
    i32[OFF_LAZY_A >> 2] = a;
    i32[OFF_LAZY_B >> 2] = b;
    i32[OFF_LAZY_RES >> 2] = res;
    i32[OFF_LAZY_SIZE >> 2] = bits;
  }
  /** The six arithmetic flags, materialised. */
  arith(): number {
    const i32 = this.i32;
    const op = i32[OFF_LAZY_OP >> 2];
    const stored = i32[OFF_EFLAGS >> 2];
    if (op === LAZY_NONE) return stored & ARITH_FLAGS;
    return arithFlags(
      op,
      i32[OFF_LAZY_A >> 2],
      i32[OFF_LAZY_B >> 2],
      i32[OFF_LAZY_RES >> 2],
      i32[OFF_LAZY_SIZE >> 2],
      stored,
    );
  }
  /** Full EFLAGS value. */
  getFlags(): number {
    const stored = this.i32[OFF_EFLAGS >> 2];
    if (this.i32[OFF_LAZY_OP >> 2] === LAZY_NONE) return stored;
    return (stored & ~ARITH_FLAGS) | this.arith();
  }
  /** Replaces EFLAGS (callers apply privilege masks first); drops any lazy record. */
  setFlags(v: number): void {
    const old = this.i32[OFF_EFLAGS >> 2];
    this.i32[OFF_EFLAGS >> 2] = (v & 0x3f7fd5) | FLAGS_RESERVED_ONE;
    this.i32[OFF_LAZY_OP >> 2] = LAZY_NONE;
    if (((old ^ v) & VM) !== 0) this.refreshMode();
  }
  /** Sets or clears the given arithmetic flag bits, keeping the others. */
  setArithBits(mask: number, on: boolean): void {
    const f = this.getFlags();
    this.i32[OFF_EFLAGS >> 2] = on ? f | mask : f & ~mask;
    this.i32[OFF_LAZY_OP >> 2] = LAZY_NONE;
  }
  /**
   * Makes EFLAGS.CF current, leaving the other arithmetic bits to the pending record: INC and DEC
   * keep CF there while their own record is pending.
   */
  foldCarry(): void {
    const i32 = this.i32;
    const op = i32[OFF_LAZY_OP >> 2];
    if (op === LAZY_NONE || op === LAZY_INC || op === LAZY_DEC) return;
    const stored = i32[OFF_EFLAGS >> 2];
    i32[OFF_EFLAGS >> 2] = (stored & ~CF) | this.#carry(op, stored);
  }
  /** Stored EFLAGS without materialising (for non-arithmetic bits such as IF, DF, VM). */
  get rawFlags(): number {
    return this.i32[OFF_EFLAGS >> 2];
  }
  /** Updates non-arithmetic flag bits in place. */
  setRawFlagBits(mask: number, on: boolean): void {
    const i = OFF_EFLAGS >> 2;
    this.i32[i] = on ? this.i32[i] | mask : this.i32[i] & ~mask;
  }
  /** CF. */
  cf(): boolean {
    const i32 = this.i32;
    return this.#carry(i32[OFF_LAZY_OP >> 2], i32[OFF_EFLAGS >> 2]) !== 0;
  }
  /** CF (as the CF bit) of lazy operation `op` over the stored record. */
  #carry(op: number, stored: number): number {
    const i32 = this.i32;
    return lazyCarry(
      op,
      i32[OFF_LAZY_A >> 2],
      i32[OFF_LAZY_B >> 2],
      i32[OFF_LAZY_RES >> 2],
      i32[OFF_LAZY_SIZE >> 2],
      stored,
    );
  }
  /** Evaluates condition code `cc` (the low nibble of jcc/setcc/cmovcc). */
  condition(cc: number): boolean {
    const f = this.arith();
    let r: boolean;
    switch (cc >> 1) {
      case 0:
        r = (f & OF) !== 0;
        break;
      case 1:
        r = (f & CF) !== 0;
        break;
      case 2:
        r = (f & ZF) !== 0;
        break;
      case 3:
        r = (f & (CF | ZF)) !== 0;
        break;
      case 4:
        r = (f & SF) !== 0;
        break;
      case 5:
        r = (f & PF) !== 0;
        break;
      case 6:
        r = ((f & SF) !== 0) !== ((f & OF) !== 0);
        break;
      default:
        r = (f & ZF) !== 0 || ((f & SF) !== 0) !== ((f & OF) !== 0);
    }
    return (cc & 1) !== 0 ? !r : r;
  }

  // ---- modes and segments --------------------------------------------------------------------

  /** CR0. */
  get cr0(): number {
    return this.i32[OFF_CR0 >> 2];
  }
  /** Current privilege level. */
  get cpl(): number {
    return this.i32[OFF_CPL >> 2];
  }
  set cpl(v: number) {
    this.i32[OFF_CPL >> 2] = v;
    this.mmu.setUser(v === 3);
  }
  /** Protected mode (CR0.PE) and not virtual-8086. */
  get protectedMode(): boolean {
    return (this.cr0 & CR0_PE) !== 0 && (this.rawFlags & VM) === 0;
  }
  /** Virtual-8086 mode. */
  get vm86(): boolean {
    return (this.rawFlags & VM) !== 0;
  }
  /** Hidden base of segment register s. */
  segBase(s: number): number {
    return this.i32[(segOffset(s) + SEG_BASE) >> 2];
  }
  /** Hidden limit of segment register s (bytes, inclusive). */
  segLimit(s: number): number {
    return this.i32[(segOffset(s) + SEG_LIMIT) >> 2] >>> 0;
  }
  /** Hidden attributes of segment register s. */
  segAttrs(s: number): number {
    return this.i32[(segOffset(s) + SEG_ATTRS) >> 2];
  }
  /** Visible selector of segment register s. */
  segSelector(s: number): number {
    return this.i32[(segOffset(s) + SEG_SELECTOR) >> 2] & 0xffff;
  }
  /** Writes a segment register's selector and hidden cache, then refreshes cached modes. */
  setSegmentCache(s: number, selector: number, base: number, limit: number, attrs: number): void {
    const o = segOffset(s) >> 2;
    this.i32[o] = selector & 0xffff;
    this.i32[o + 1] = base;
    this.i32[o + 2] = limit;
    this.i32[o + 3] = attrs;
    if (s === CS || s === SS) this.refreshMode();
    else this.refreshChecks();
  }
  /** Recomputes cached mode bits after CR0, EFLAGS.VM, CS or SS change. */
  refreshMode(): void {
    this.code32 = (this.segAttrs(CS) & ATTR_DB) !== 0;
    this.stack32 = (this.segAttrs(SS) & ATTR_DB) !== 0;
    this.mmu.setUser(this.cpl === 3);
    this.refreshChecks();
  }
  /** Recomputes which segments need limit checks on access and which have base 0. */
  refreshChecks(): void {
    let mask = 0;
    let zero = 0;
    for (let s = 0; s < 6; s++) {
      if (this.segBase(s) === 0) zero |= 1 << s;
      const attrs = this.segAttrs(s);
      const flat = this.segLimit(s) === 0xffffffff && (attrs & (ATTR_DC | ATTR_CODE)) !== ATTR_DC &&
        (attrs & ATTR_P) !== 0;
      if (!flat || (attrs & (ATTR_CODE | ATTR_RW)) !== ATTR_RW) mask |= 1 << s;
    }
    this.checkedSegs = mask;
    this.zeroBaseSegs = zero;
  }

  /**
   * Linear address of `size` bytes at `off` in segment `s`, after limit and type checks
   * (#GP(0), or #SS(0) for SS).
   */
  linear(s: number, off: number, size: number, write: boolean): number {
    if ((this.checkedSegs & (1 << s)) !== 0) this.checkSegment(s, off, size, write);
    return (this.segBase(s) + off) | 0;
  }

  /** Raises #GP(0) (#SS(0) for SS) when an access breaks the segment's limit or type. */
  private checkSegment(s: number, off: number, size: number, write: boolean): void {
    const attrs = this.segAttrs(s);
    const fault = s === SS ? SS_FAULT : GP;
    if ((attrs & ATTR_P) === 0 && this.protectedMode) raise(fault, 0);
    if (this.protectedMode) {
      if (
        (attrs & ATTR_CODE) !== 0
          ? write || (attrs & ATTR_RW) === 0
          : write && (attrs & ATTR_RW) === 0
      ) {
        raise(fault, 0);
      }
    }
    const limit = this.segLimit(s);
    const first = off >>> 0, last = (first + size - 1) >>> 0;
    if ((attrs & (ATTR_CODE | ATTR_DC)) === ATTR_DC) {
      const upper = (attrs & ATTR_DB) !== 0 ? 0xffffffff : 0xffff;
      if (first <= limit || last > upper || last < first) raise(fault, 0);
    } else if (last > limit || last < first) {
      raise(fault, 0);
    }
  }

  // ---- memory --------------------------------------------------------------------------------

  /** Reads `size` bytes (1, 2, 4) at offset `off` of segment `s`. */
  readSeg(s: number, off: number, size: number): number {
    const lin = this.linear(s, off, size, false);
    return size === 4
      ? this.mmu.read32(lin)
      : size === 2
      ? this.mmu.read16(lin)
      : this.mmu.read8(lin);
  }
  /** Writes `size` bytes (1, 2, 4) at offset `off` of segment `s`. */
  writeSeg(s: number, off: number, size: number, v: number): void {
    const lin = this.linear(s, off, size, true);
    if (size === 4) this.mmu.write32(lin, v);
    else if (size === 2) this.mmu.write16(lin, v);
    else this.mmu.write8(lin, v);
  }

  /** Offset of the ModRM memory operand (masked to 16 bits with 16-bit addressing). */
  effAddr(i: Instr): number {
    let a = i.disp;
    if (i.base >= 0) a += this.i32[i.base];
    if (i.index >= 0) a += this.i32[i.index] << i.scale;
    return i.a32 ? a | 0 : a & 0xffff;
  }
  /** Reads the E operand (register or memory) of `size` bytes. */
  readE(i: Instr, size: number): number {
    if (i.mod === 3) return this.readReg(i.rm, size);
    return this.readSeg(i.seg, this.effAddr(i), size);
  }
  /** Writes the E operand (register or memory) of `size` bytes. */
  writeE(i: Instr, size: number, v: number): void {
    if (i.mod === 3) this.writeReg(i.rm, size, v);
    else this.writeSeg(i.seg, this.effAddr(i), size, v);
  }
  /** Reads a value of `size` bytes and sign-extends it to 32 bits. */
  static signExtend(v: number, size: number): number {
    return size === 4 ? v | 0 : size === 2 ? (v << 16) >> 16 : (v << 24) >> 24;
  }

  // ---- stack ---------------------------------------------------------------------------------

  /** Stack pointer as an offset (ESP or SP by SS.B). */
  get sp(): number {
    return this.stack32 ? this.i32[4] : this.u16[8];
  }
  /** Sets the stack pointer (ESP or SP by SS.B). */
  setSp(v: number): void {
    if (this.stack32) this.i32[4] = v;
    else this.u16[8] = v;
  }
  /** Pushes `size` bytes; ESP changes only after the write succeeds. */
  push(v: number, size: number): void {
    const sp = this.stack32 ? (this.i32[4] - size) | 0 : (this.u16[8] - size) & 0xffff;
    this.writeSeg(SS, sp, size, v);
    this.setSp(sp);
  }
  /** Pops `size` bytes. */
  pop(size: number): number {
    const sp = this.sp;
    const v = this.readSeg(SS, sp, size);
    this.setSp(sp + size);
    return v;
  }
  /** Reads the stack `offset` bytes above the stack pointer without popping. */
  peek(offset: number, size: number): number {
    const sp = this.stack32 ? (this.i32[4] + offset) | 0 : (this.u16[8] + offset) & 0xffff;
    return this.readSeg(SS, sp, size);
  }

  /** Masks an operand value to `size` bytes (unsigned, except 32-bit stays signed i32). */
  static mask(v: number, size: number): number {
    return size === 4 ? v | 0 : v & sizeMask(size * 8);
  }
}

export { CpuFault };
