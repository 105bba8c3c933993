/**
 * The per-function emission context: guest registers cached in wasm locals and stored back (only
 * the dirty ones) before anything that can observe them (a callout, a memory slow path that may
 * fault, an exit), the pending lazy-flag record held in locals and stored only when something can
 * observe it, the inline TLB fast path for guest memory, and the edges between the blocks of a
 * region compiled as one function with a wasm loop (DESIGN.md §3, §5).
 *
 * A function is one block, or a region: several blocks (of one page, or of neighbouring pages
 * whose mapping an edge between them checks) laid out in nested wasm
 * `block`s inside a `loop`, so an edge to a later block is a `br` forward and an edge to an
 * earlier one a `br` to the loop (through a `br_table` on the target's index when it is not the
 * entry), or, inside an inner loop with one way in (`RegionPlan.loopEnds`), a `br` to that
 * loop's own wasm `loop`. At a region block's entry every register is in its local; which ones
 * differ from the state is only known once the whole function is emitted, so register stores are
 * placeholders filled in by `finish()` with the registers the function writes.
 *
 * Emitters in this folder build statements through this class; they never touch offsets of
 * `state.ts` themselves except through the helpers here.
 *
 * The file runs past 600 lines on purpose: register caching, the pending flag record, the
 * memory paths and the region edges all read and change the same per-function bookkeeping
 * (which locals hold which registers, what is dirty, where the flags are), which one class keeps
 * in one place.
 */

import type binaryen from "binaryen";
import type { Instr } from "../../src/cpu/decode/instr.ts";
import { K_E, K_G, K_I, K_M, K_O, K_ONE, K_REG, K_Z } from "../../src/cpu/decode/operand.ts";
import {
  ARITH_FLAGS,
  CF,
  DF,
  LAZY_ADD,
  LAZY_DEC,
  LAZY_INC,
  LAZY_LOGIC,
  LAZY_NONE,
  LAZY_SAR,
  LAZY_SHL,
  LAZY_SHR,
  LAZY_SUB,
  OF,
  PF,
  SF,
  ZF,
} from "../../src/cpu/flags.ts";
import {
  OFF_EFLAGS,
  OFF_EIP,
  OFF_LAZY_A,
  OFF_LAZY_B,
  OFF_LAZY_OP,
  OFF_LAZY_RES,
  OFF_LAZY_SIZE,
  OFF_TLB,
  RAM_BASE,
  SEG_BASE,
  segOffset,
} from "../../src/cpu/state.ts";
import { TLB_CODE, TLB_MMIO, TLB_USER, TLB_VALID, TLB_WRITE } from "../../src/cpu/tlb.ts";
import type { BlockPlan } from "../plan.ts";
import { OFF_INTERPRET_NEXT } from "../jump_cache.ts";

/** The binaryen namespace (loaded lazily by the engine). */
export type Binaryen = typeof binaryen;
/** A binaryen expression. */
export type Expr = binaryen.ExpressionRef;

/** The CPU mode a block was compiled for; part of its cache key. */
export interface BlockMode {
  /** CS default operand and address size is 32 bits. */
  readonly code32: boolean;
  /** SS.B: the stack pointer is ESP. */
  readonly stack32: boolean;
  /** CPL 3: memory fast paths require TLB_USER. */
  readonly user: boolean;
  /** Segments needing limit or type checks (bit per segment register), as `Cpu.checkedSegs`. */
  readonly checkedSegs: number;
  /** CS limit is 4 GiB: near branch targets need no limit check. */
  readonly csFlat: boolean;
  /** Segments with base 0 (bit per segment register), as `Cpu.zeroBaseSegs`: no base to add. */
  readonly zeroBases: number;
  /**
   * CR0.PG: paging is on. TLB misses are then routine (INVLPG, CR3 loads), and a memory slow
   * path calls the page walk in place (`jit/page_walk.ts`, which calls the MMU for what it
   * cannot do); with paging off a miss comes once per page, and the slow path
   * leaves the block for the interpreter instead (see `leaveToInterpreter`).
   */
  readonly paging: boolean;
  /**
   * End of guest RAM when linear addresses are physical ones (paging off, A20 on), else 0. A
   * read that ends below it is a plain load at RAM_BASE plus the address: below its end guest
   * RAM has no holes, so no TLB lookup is needed to find a read's host address. Writes still
   * look it up (it marks pages holding translated code).
   */
  readonly ramEnd: number;
}

/** Packs a mode into the small integer stored with each cached block. */
export function modeKey(m: BlockMode): number {
  return (m.code32 ? 1 : 0) | (m.stack32 ? 2 : 0) | (m.user ? 4 : 0) | (m.csFlat ? 8 : 0) |
    (m.paging ? 16 : 0) | (m.checkedSegs << 5) | (m.zeroBases << 11) |
    (m.ramEnd !== 0 ? 1 << 17 : 0);
}

/** Names of the host functions a block module imports (module "h"). */
export const HOST = {
  /** `(k, done) -> stop`: run instruction k through its interpreter handler. */
  callout: "callout",
  /** `(cc) -> bool`: evaluate an even condition code from the stored lazy record. */
  cond: "cond",
  /** `() -> cf`: CF from the stored lazy record. */
  cf: "cf",
  /**
   * `() -> stop`: whether the run loop asked for the engine to return (after a slow read). The
   * slow paths below and this are served by the page walk in wasm (`jit/page_walk.ts`).
   */
  stopped: "stopped",
  /** `(lin, k, done) -> value`: slow-path reads, indexed by size (1, 2, 4 bytes). */
  read: ["", "rd1", "rd2", "", "rd4"],
  /** `(lin, value, k, done) -> stop`: slow-path writes, indexed by size (1, 2, 4 bytes). */
  write: ["", "wr1", "wr2", "", "wr4"],
} as const;

/**
 * Pending-record operation of a multiply, whose flags have no lazy form: `res` holds the low
 * half and `b` whether the product overflowed; spilling writes EFLAGS itself.
 */
const PENDING_MUL = -1;
/**
 * Pending-record operation meaning "the record is in the region's canonical flag locals"
 * (kind, a, b, res, CF to keep), with kind FLAGS_IN_STATE when the state already holds it: how
 * the record crosses an edge into a block that replaces the flags before reading them, so the
 * edge stores nothing and only a fault or exit on the way stores it.
 */
const PENDING_CANON = -3;
/** Canonical kind value: the state holds the flags. */
const FLAGS_IN_STATE = -2;
/**
 * Canonical kind of a lazy record: its operation and width in one local, and the CF local is
 * set only by the edges of inc and dec, whose kind says it is there. Every canonical local is
 * live around a region's loop and V8 keeps such values in stack slots, storing each on every
 * back edge: fewer locals, fewer stores.
 */
function canonKind(op: number, bits: number): number {
  return op | (bits << 8);
}

/** The lazy-flag record of the last flag-writing instruction, held in locals. */
interface PendingFlags {
  op: number;
  bits: number;
  a: number;
  b: number;
  res: number;
  /** For INC/DEC: local holding the CF to keep in EFLAGS; else -1. */
  cf: number;
  /** For a multiply: CF = OF (the product did not fit), built only where something reads it. */
  over?: () => Expr;
}

/**
 * Local slots: 0 is the budget parameter, 1 the instructions already retired by the blocks
 * chained before this one in the same dispatch, 2–9 the registers, then these. The function
 * counts down what the budget has left (L_LEFT), so an edge tests and updates one local; the
 * retired count exits report is the budget minus that.
 */
const L_BUDGET = 0;
const L_BASE = 1;
const L_REG0 = 2;
const L_LEFT = 10;
const L_STOP = 11;
const FIRST_TEMP = 12;

/** Bits of a call site number holding the instruction index (the rest is the block id). */
export const SITE_SHIFT = 6;

/** Name of the module function that chains to the next block in mode key `mode`. */
export function chainName(mode: number): string {
  return `chain${mode}`;
}

/** Mask of an operand size in bytes. */
export function sizeMaskOf(size: number): number {
  return size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
}

/** The blocks of a region as the context needs them to emit edges between them. */
export interface RegionLayout {
  /** Entry EIP of each member block. */
  readonly entries: readonly number[];
  /** Instruction count of each member block. */
  readonly lengths: readonly number[];
  /** Per member, whether the flag record must be in the state at its entry. */
  readonly flagsLive: readonly boolean[];
  /**
   * The loop dispatches on a member index (first the one the function starts at): there are
   * several entries, or an edge goes back to a member other than the first.
   */
  readonly table: boolean;
  /** Per member, the members its final indirect transfer checks its target against. */
  readonly indirect?: readonly (readonly number[])[];
  /**
   * Per member, whether it is wrapped in a loop of its own (`selfLoopLabel`), so its edge to
   * itself (an inner loop's back edge) skips the region loop's dispatch.
   */
  readonly selfLoops?: readonly boolean[];
  /**
   * Per member, the last member of the inner loop it heads, or -1 (`RegionPlan.loopEnds`): members
   * j..k sit in a wasm loop labelled `innerLoopLabel(j)`, which their edges back to j branch to.
   */
  readonly loopEnds?: readonly number[];
  /**
   * Per member, the linear page of its entry and the host page its code was read from, when
   * the members span pages: an edge between pages leaves the region unless the TLB maps the
   * target's page to that host page now (a fetchable page; the dispatcher walks the tables).
   */
  readonly pages?: readonly { readonly lin: number; readonly host: number }[];
}

/** Module global holding the member a region function starts at (set by its entry stubs). */
export const REGION_START = "start";
/** Label of the region's loop. */
export const REGION_LOOP = "top";
/** Label whose end is the start of member block j. */
export function memberLabel(j: number): string {
  return `m${j}`;
}
/** Label of the loop around member block j when it branches back to itself. */
export function selfLoopLabel(j: number): string {
  return `s${j}`;
}
/** Label of the loop around the members of the inner loop that member block j heads. */
export function innerLoopLabel(j: number): string {
  return `l${j}`;
}
/** Label the region's dispatch names for members it cannot reach (inside an inner loop). */
export const UNREACHABLE_MEMBER = "none";

/** What the context assumes about the code it emits next, saved around a branch arm. */
interface SavedState {
  pending: PendingFlags | null;
  loaded: boolean[];
  dirty: number;
  since: boolean;
}

/** A register-store placeholder: filled in by `finish()`. */
interface RegStores {
  block: Expr;
  dirty: number;
  /** No store since the block's entry: every register the function writes may differ. */
  sinceEntry: boolean;
}

/** Builds the body of one block or region function. */
export class EmitContext {
  readonly m: binaryen.Module;
  readonly b: Binaryen;
  /** The block being emitted (in a region, the current member). */
  plan: BlockPlan;
  readonly mode: BlockMode;
  /** Emitted statements, in order. */
  readonly stmts: Expr[] = [];
  /** The function loops (a region): `done` counts retired instructions dynamically. */
  readonly loop: boolean;
  /** Index of the instruction being emitted. */
  k = 0;
  /** The function's index in the shared function table. */
  readonly id: number;
  /** Number naming the current block in host calls (with the instruction index). */
  siteId: number;
  #vars: number[] = [];
  #loaded: boolean[] = new Array(8).fill(false);
  #pending: PendingFlags | null = null;
  #memLin = -1;
  #slowWrite = false;
  /**
   * The current instruction's read-for-write: its address local and host-address local (-1
   * when linear addresses are physical: the host address is RAM_BASE plus the linear one).
   */
  #rmw: { lin: number; host: number } | null = null;
  /** Registers written since the last store of every dirty one (bit per register). */
  #dirty = 0;
  /** The current block may have been entered with registers differing from the state. */
  #sinceEntry = false;
  /** Registers the function writes anywhere. */
  #written = 0;
  #pads: RegStores[] = [];
  #region: RegionLayout | null = null;
  /** Index of the current member block of the region. */
  #member = 0;
  /** Canonical flag locals of a region: kind (`canonKind`), a, b, res, cf (inc and dec). */
  #canon: number[] = [];
  #next = -1;
  /** Locals set once to a constant (by `let`), with their values. */
  #constants = new Map<number, number>();
  /**
   * Per canonical flag local after the kind, the constant every edge so far stored there, or
   * null once some edge stored something else (see `canonDefaults`).
   */
  #canonConst: (number | null | undefined)[] = [];
  /** Local of the string step direction (`trackDirection`), -1 when the function has none. */
  #direction = -1;

  /**
   * @param b the binaryen namespace
   * @param m the module being built
   * @param plan the block
   * @param mode the CPU mode it is compiled for
   * @param loop emit the final branch to the entry as a wasm loop
   * @param id the block's index in the shared function table
   */
  constructor(
    b: Binaryen,
    m: binaryen.Module,
    plan: BlockPlan,
    mode: BlockMode,
    loop: boolean,
    id: number,
  ) {
    this.id = id;
    this.siteId = id;
    this.b = b;
    this.m = m;
    this.plan = plan;
    this.mode = mode;
    this.loop = loop;
  }

  /** Types of the function's locals after the parameter. */
  get varTypes(): number[] {
    const i32 = this.b.i32;
    return [...new Array(FIRST_TEMP - 2).fill(i32), ...this.#vars];
  }

  // ---- basic building blocks ---------------------------------------------------------------

  /** An i32 constant. */
  c(v: number): Expr {
    return this.m.i32.const(v | 0);
  }
  /** Reads a local. */
  get(l: number): Expr {
    return this.m.local.get(l, this.b.i32);
  }
  /** Allocates a fresh i64 local. */
  tmp64(): number {
    this.#vars.push(this.b.i64);
    return FIRST_TEMP + this.#vars.length - 1;
  }
  /** Evaluates the i64 `e` into a fresh local (emitting the assignment) and returns it. */
  let64(e: Expr): number {
    const l = this.tmp64();
    this.stmts.push(this.m.local.set(l, e));
    return l;
  }
  /** Reads an i64 local. */
  get64(l: number): Expr {
    return this.m.local.get(l, this.b.i64);
  }
  /** Allocates a fresh v128 local. */
  tmpV128(): number {
    this.#vars.push(this.b.v128);
    return FIRST_TEMP + this.#vars.length - 1;
  }
  /** Allocates a fresh i32 local. */
  tmp(): number {
    this.#vars.push(this.b.i32);
    return FIRST_TEMP + this.#vars.length - 1;
  }
  /** Evaluates `e` into a fresh local (emitting the assignment) and returns the local. */
  let(e: Expr): number {
    const l = this.tmp();
    this.stmts.push(this.m.local.set(l, e));
    if (this.b.getExpressionId(e) === this.b.ConstId) {
      this.#constants.set(l, (this.b.getExpressionInfo(e) as unknown as { value: number }).value);
    }
    return l;
  }
  /** Appends a statement. */
  emit(e: Expr): void {
    this.stmts.push(e);
  }
  /** A load of the i32 state field at byte offset `off`. */
  loadState(off: number): Expr {
    return this.m.i32.load(off, 4, this.c(0));
  }
  /** A store to the i32 state field at byte offset `off`. */
  storeState(off: number, v: Expr): Expr {
    return this.m.i32.store(off, 4, this.c(0), v);
  }
  /**
   * Gives the function a local holding the string instructions' step direction, +1 or -1 by
   * EFLAGS.DF: read once on entry and again after each callout (the only code in a block that
   * can change DF), instead of at every movs, stos or lods. Call right after `prologue()`.
   */
  trackDirection(): void {
    this.#direction = this.tmp();
    this.emit(this.readDirection());
  }
  private readDirection(): Expr {
    const m = this.m;
    const down = m.i32.and(this.loadState(OFF_EFLAGS), this.c(DF));
    return m.local.set(this.#direction, m.select(down, this.c(-1), this.c(1)));
  }
  /** The local `trackDirection` set up: +1 with EFLAGS.DF clear, -1 with it set. */
  get direction(): number {
    if (this.#direction < 0) throw new Error("direction used without trackDirection()");
    return this.#direction;
  }
  /** The local counting down the instructions the budget has left (an edge checks it). */
  get budgetLeft(): number {
    return L_LEFT;
  }
  /** The local that is non-zero once the run loop asked the function to return. */
  get stopRequested(): number {
    return L_STOP;
  }
  /** Statement starting the function: what the budget has left after what the caller retired. */
  prologue(): Expr {
    return this.m.local.set(L_LEFT, this.m.i32.sub(this.get(L_BUDGET), this.get(L_BASE)));
  }
  /** Instructions retired in this dispatch before the current block, plus `k`. */
  private done(k: number): Expr {
    const m = this.m;
    return m.i32.add(m.i32.sub(this.get(L_BUDGET), this.get(L_LEFT)), this.c(k));
  }
  /** Instructions retired in this dispatch before the current one. */
  doneBefore(): Expr {
    return this.done(this.k);
  }
  /** Instructions retired in this dispatch including the current one. */
  doneAfter(): Expr {
    return this.done(this.k + 1);
  }
  /** The call site number of the current instruction passed to host functions. */
  site(): Expr {
    return this.c((this.siteId << SITE_SHIFT) | this.k);
  }
  /** EIP of the current instruction. */
  get eip(): number {
    return this.plan.eips[this.k];
  }
  /** EIP after the current instruction. */
  get nextEip(): number {
    return this.plan.eips[this.k + 1];
  }

  // ---- registers ---------------------------------------------------------------------------

  /** The 32-bit value of register r (loaded into its local on first use). */
  reg32(r: number): Expr {
    if (!this.#loaded[r]) {
      this.stmts.push(this.m.local.set(L_REG0 + r, this.loadState(r * 4)));
      this.#loaded[r] = true;
    }
    return this.get(L_REG0 + r);
  }
  /** Register r of `size` bytes, zero-extended (AH..BH for size 1, r ≥ 4). */
  readReg(r: number, size: number): Expr {
    const m = this.m;
    if (size === 4) return this.reg32(r);
    if (size === 2) return m.i32.and(this.reg32(r), this.c(0xffff));
    if (r < 4) return m.i32.and(this.reg32(r), this.c(0xff));
    return m.i32.and(m.i32.shr_u(this.reg32(r - 4), this.c(8)), this.c(0xff));
  }
  /** Sets register r to the 32-bit `v` (stored to the state when something can observe it). */
  setReg32(r: number, v: Expr): void {
    this.#loaded[r] = true;
    this.#dirty |= 1 << r;
    this.#written |= 1 << r;
    this.stmts.push(this.m.local.set(L_REG0 + r, v));
  }
  /** Writes `size` bytes of `v` to register r, keeping the other bytes. */
  writeReg(r: number, size: number, v: Expr): void {
    const m = this.m;
    if (size === 4) return this.setReg32(r, v);
    if (size === 2) {
      const keep = m.i32.and(this.reg32(r), this.c(0xffff0000));
      return this.setReg32(r, m.i32.or(keep, m.i32.and(v, this.c(0xffff))));
    }
    if (r < 4) {
      const keep = m.i32.and(this.reg32(r), this.c(~0xff));
      return this.setReg32(r, m.i32.or(keep, m.i32.and(v, this.c(0xff))));
    }
    const keep = m.i32.and(this.reg32(r - 4), this.c(~0xff00));
    const byte = m.i32.shl(m.i32.and(v, this.c(0xff)), this.c(8));
    this.setReg32(r - 4, m.i32.or(keep, byte));
  }
  /** Loads every register into its local (the state a loop header expects). */
  loadAll(): void {
    for (let r = 0; r < 8; r++) this.reg32(r);
  }
  /** Forgets the register locals (after a callout that may have changed them). */
  forgetRegs(): void {
    this.#loaded.fill(false);
  }
  /**
   * A statement storing every register that may differ from the state here (filled in by
   * `finish()`, once the registers the whole function writes are known).
   */
  regStores(): Expr {
    const block = this.m.block(null, []);
    this.#pads.push({ block, dirty: this.#dirty, sinceEntry: this.#sinceEntry });
    return block;
  }
  /** Stores the dirty registers now (before a callout that reads or changes them). */
  flushRegs(): void {
    this.stmts.push(this.regStores());
    this.#dirty = 0;
    this.#sinceEntry = false;
  }
  /** Fills in the register-store placeholders; call once after the last statement. */
  finish(): void {
    // binaryen.js has Block.appendChild but its typings leave it out.
    const block = (this.b as unknown as {
      Block: { appendChild(block: Expr, child: Expr): number };
    }).Block;
    for (const pad of this.#pads) {
      const regs = pad.dirty | (pad.sinceEntry ? this.#written : 0);
      for (let r = 0; r < 8; r++) {
        if ((regs & (1 << r)) !== 0) {
          block.appendChild(pad.block, this.storeState(r * 4, this.get(L_REG0 + r)));
        }
      }
    }
    this.#pads = [];
  }

  // ---- lazy flags --------------------------------------------------------------------------

  /**
   * Statements making the state exact before something that can observe it or fault: the dirty
   * registers and the pending flag record.
   */
  spill(): Expr[] {
    return [this.regStores(), ...this.spillFlags()];
  }
  /** Statements storing the pending record (none when the state already holds it). */
  private spillFlags(): Expr[] {
    const p = this.#pending;
    if (p === null) return [];
    if (p.op === PENDING_MUL) return this.spillMul(p);
    if (p.op === PENDING_CANON) return [this.spillCanon()];
    const out = [
      this.storeState(OFF_LAZY_OP, this.c(p.op)),
      this.storeState(OFF_LAZY_A, this.get(p.a)),
      this.storeState(OFF_LAZY_B, this.get(p.b)),
      this.storeState(OFF_LAZY_RES, this.get(p.res)),
      this.storeState(OFF_LAZY_SIZE, this.c(p.bits)),
    ];
    if (p.cf >= 0) {
      const m = this.m;
      const kept = m.i32.and(this.loadState(OFF_EFLAGS), this.c(~1));
      out.push(this.storeState(OFF_EFLAGS, m.i32.or(kept, this.get(p.cf))));
    }
    return out;
  }
  private spillMul(p: PendingFlags): Expr[] {
    const m = this.m;
    const low = () => this.get(p.res);
    const bit = (cond: Expr, flag: number) => m.select(cond, this.c(flag), this.c(0));
    const even = m.i32.eqz(m.i32.and(m.i32.popcnt(m.i32.and(low(), this.c(0xff))), this.c(1)));
    let f = m.i32.or(bit(even, PF), bit(m.i32.eqz(low()), ZF));
    f = m.i32.or(f, bit(m.i32.lt_s(low(), this.c(0)), SF));
    f = m.i32.or(f, bit(p.over!(), CF | OF));
    const kept = m.i32.and(this.loadState(OFF_EFLAGS), this.c(~ARITH_FLAGS));
    return [
      this.storeState(OFF_EFLAGS, m.i32.or(kept, f)),
      this.storeState(OFF_LAZY_OP, this.c(LAZY_NONE)),
    ];
  }
  /**
   * Records the flags of a 32-bit multiply: low half in local `low`; `over` builds the
   * overflow test (0/1) from locals, so a multiply whose flags nobody reads never computes it.
   */
  setMulFlags(low: number, over: () => Expr): void {
    this.#pending = { op: PENDING_MUL, bits: 32, a: low, b: low, res: low, cf: -1, over };
  }
  /** Stores the record held in the canonical locals, unless the state already holds it. */
  private spillCanon(): Expr {
    const m = this.m;
    const [kind, a, b, res, cf] = this.#canon;
    const op = this.tmp();
    const kept = m.i32.and(this.loadState(OFF_EFLAGS), this.c(~1));
    // LAZY_DEC follows LAZY_INC.
    const incDec = m.i32.lt_u(m.i32.sub(this.get(op), this.c(LAZY_INC)), this.c(2));
    return m.if(
      m.i32.ne(this.get(kind), this.c(FLAGS_IN_STATE)),
      m.block(null, [
        m.local.set(op, m.i32.and(this.get(kind), this.c(0xff))),
        this.storeState(OFF_LAZY_OP, this.get(op)),
        this.storeState(OFF_LAZY_A, this.get(a)),
        this.storeState(OFF_LAZY_B, this.get(b)),
        this.storeState(OFF_LAZY_RES, this.get(res)),
        this.storeState(OFF_LAZY_SIZE, m.i32.shr_u(this.get(kind), this.c(8))),
        m.if(incDec, this.storeState(OFF_EFLAGS, m.i32.or(kept, this.get(cf)))),
      ]),
    );
  }
  /** Stores the pending record now and forgets it (before a callout). */
  flushFlags(): void {
    this.stmts.push(...this.spillFlags());
    this.#pending = null;
  }
  /** Records a flag-writing result (locals a, b, res) as the pending lazy record. */
  setFlags(op: number, size: number, a: number, b: number, res: number, cf = -1): void {
    this.#pending = { op, bits: size * 8, a, b, res, cf };
  }

  /** CF before the current instruction, as an expression (0 or 1). */
  carry(): Expr {
    const m = this.m;
    const p = this.#pending;
    if (p === null) return this.carryFromState();
    switch (p.op) {
      case LAZY_ADD:
        return m.i32.lt_u(this.get(p.res), this.get(p.a));
      case LAZY_SUB:
        return m.i32.lt_u(this.get(p.a), this.get(p.b));
      case LAZY_LOGIC:
        return this.c(0);
      case LAZY_INC:
      case LAZY_DEC:
        return this.get(p.cf);
      case PENDING_MUL:
        return p.over!();
      case LAZY_SHL: // b is the count, 1..bits-1
        return m.i32.and(
          m.i32.shr_u(this.get(p.a), m.i32.sub(this.c(p.bits), this.get(p.b))),
          this.c(1),
        );
      case LAZY_SHR:
        return m.i32.and(
          m.i32.shr_u(this.get(p.a), m.i32.sub(this.get(p.b), this.c(1))),
          this.c(1),
        );
      case LAZY_SAR:
        return m.i32.and(
          m.i32.shr_s(
            this.signExtend(this.get(p.a), p.bits / 8),
            m.i32.sub(this.get(p.b), this.c(1)),
          ),
          this.c(1),
        );
    }
    this.flushFlags();
    return this.carryFromState();
  }

  /** CF from the stored record: inline for the common operations, else the host. */
  private carryFromState(): Expr {
    const m = this.m;
    const i32 = this.b.i32;
    const op = this.let(this.loadState(OFF_LAZY_OP));
    const is = (v: number) => m.i32.eq(this.get(op), this.c(v));
    const keeps = m.i32.or(
      m.i32.or(is(LAZY_INC), is(LAZY_DEC)),
      is(LAZY_NONE),
    );
    return m.if(
      is(LAZY_ADD),
      m.i32.lt_u(this.loadState(OFF_LAZY_RES), this.loadState(OFF_LAZY_A)),
      m.if(
        is(LAZY_SUB),
        m.i32.lt_u(this.loadState(OFF_LAZY_A), this.loadState(OFF_LAZY_B)),
        m.if(
          is(LAZY_LOGIC),
          this.c(0),
          m.if(
            keeps,
            m.i32.and(this.loadState(OFF_EFLAGS), this.c(1)),
            m.call(HOST.cf, [], i32),
          ),
        ),
      ),
    );
  }

  /** `v` (masked to `size` bytes) sign-extended to 32 bits. */
  signExtend(v: Expr, size: number): Expr {
    const m = this.m;
    if (size === 4) return v;
    const s = this.c(32 - size * 8);
    return m.i32.shr_s(m.i32.shl(v, s), this.c(32 - size * 8));
  }

  /**
   * Condition code `cc` (jcc/setcc/cmovcc low nibble) as a 0/1 expression: computed from the
   * pending record where the operation makes it cheap, else by the host from the stored record.
   */
  condition(cc: number): Expr {
    const m = this.m;
    const test = cc >> 1;
    let e = this.#pending === null
      ? this.conditionFromState(test)
      : this.conditionInline(this.#pending, test);
    if (e === null) {
      this.stmts.push(...this.spillFlags());
      e = m.call(HOST.cond, [this.c(test << 1)], this.b.i32);
    }
    return (cc & 1) !== 0 ? m.i32.eqz(e) : e;
  }

  /**
   * Condition `test` from the record in the state: inline for what compares and logic leave
   * there most often (32- and 8-bit sub/cmp, and/or/xor/test), the host's full evaluation for
   * anything else.
   */
  private conditionFromState(test: number): Expr {
    const m = this.m;
    const op = this.let(this.loadState(OFF_LAZY_OP));
    const bits = this.let(this.loadState(OFF_LAZY_SIZE));
    const a = this.let(this.loadState(OFF_LAZY_A));
    const b = this.let(this.loadState(OFF_LAZY_B));
    const res = this.let(this.loadState(OFF_LAZY_RES));
    let e = m.call(HOST.cond, [this.c(test << 1)], this.b.i32);
    for (const kind of [LAZY_LOGIC, LAZY_SUB]) {
      for (const width of [8, 32]) {
        const p = { op: kind, bits: width, a, b, res, cf: -1 };
        const inline = this.conditionInline(p, test);
        if (inline === null) continue;
        const is = m.i32.and(
          m.i32.eq(this.get(op), this.c(kind)),
          m.i32.eq(this.get(bits), this.c(width)),
        );
        e = m.if(is, inline, e);
      }
    }
    return e;
  }

  private conditionInline(p: PendingFlags, test: number): Expr | null {
    const m = this.m;
    const size = p.bits / 8;
    const sign = this.c(1 << (p.bits - 1));
    const zf = () => m.i32.eqz(this.get(p.res));
    const sf = () => m.i32.ne(m.i32.and(this.get(p.res), sign), this.c(0));
    const sa = () => this.signExtend(this.get(p.a), size);
    const sb = () => this.signExtend(this.get(p.b), size);
    switch (p.op) {
      case PENDING_MUL:
        if (test === 0 || test === 1) return p.over!();
        if (test === 2) return zf();
        if (test === 4) return m.i32.lt_s(this.get(p.res), this.c(0));
        return null;
      case LAZY_SUB:
        switch (test) {
          case 0: {
            const x = m.i32.and(
              m.i32.xor(this.get(p.a), this.get(p.b)),
              m.i32.xor(this.get(p.a), this.get(p.res)),
            );
            return m.i32.ne(m.i32.and(x, this.c(1 << (p.bits - 1))), this.c(0));
          }
          case 1:
            return m.i32.lt_u(this.get(p.a), this.get(p.b));
          case 2:
            return zf();
          case 3:
            return m.i32.le_u(this.get(p.a), this.get(p.b));
          case 4:
            return sf();
          case 6:
            return m.i32.lt_s(sa(), sb());
          case 7:
            return m.i32.le_s(sa(), sb());
        }
        return null;
      case LAZY_LOGIC:
        switch (test) {
          case 0:
          case 1:
            return this.c(0);
          case 2:
          case 3:
            return zf();
          case 4:
          case 6:
            return sf();
          case 7:
            return m.i32.or(zf(), sf());
        }
        return null;
      case LAZY_ADD:
      case LAZY_SHL:
      case LAZY_SHR:
      case LAZY_SAR:
        if (test === 2) return zf();
        if (test === 4) return sf();
        if (test === 1 && p.op === LAZY_ADD) return this.carry();
        return null;
      case LAZY_INC:
      case LAZY_DEC: {
        const over = p.op === LAZY_INC ? 1 << (p.bits - 1) : ((1 << (p.bits - 1)) - 1) | 0;
        const of = () => m.i32.eq(this.get(p.res), this.c(over));
        switch (test) {
          case 0:
            return of();
          case 1:
            return this.get(p.cf);
          case 2:
            return zf();
          case 3:
            return m.i32.or(this.get(p.cf), zf());
          case 4:
            return sf();
          case 6:
            return m.i32.ne(sf(), of());
          case 7:
            return m.i32.or(zf(), m.i32.ne(sf(), of()));
        }
        return null;
      }
    }
    return null;
  }

  // ---- memory ------------------------------------------------------------------------------

  /** Whether a memory operand of `i` can use the inline fast path in this mode. */
  memInlinable(i: Instr): boolean {
    return i.a32 && (this.mode.checkedSegs & (1 << i.seg)) === 0;
  }
  /** Whether stack operations can use the inline path (32-bit, flat SS). */
  stackInlinable(): boolean {
    return this.mode.stack32 && (this.mode.checkedSegs & (1 << 2)) === 0;
  }
  /** The ModRM effective address of `i` (32-bit addressing). */
  effAddr(i: Instr): Expr {
    const m = this.m;
    let a: Expr | null = i.disp !== 0 ? this.c(i.disp) : null;
    if (i.base >= 0) a = a === null ? this.reg32(i.base) : m.i32.add(this.reg32(i.base), a);
    if (i.index >= 0) {
      const x = i.scale === 0
        ? this.reg32(i.index)
        : m.i32.shl(this.reg32(i.index), this.c(i.scale));
      a = a === null ? x : m.i32.add(a, x);
    }
    return a ?? this.c(0);
  }
  /** Linear address of offset `off` in segment `seg`. */
  linear(seg: number, off: Expr): Expr {
    if ((this.mode.zeroBases & (1 << seg)) !== 0) return off;
    return this.m.i32.add(this.loadState(segOffset(seg) + SEG_BASE), off);
  }
  /** Local holding the linear address of the current instruction's memory operand. */
  memLinear(i: Instr): number {
    if (this.#memLin < 0) this.#memLin = this.let(this.linear(i.seg, this.effAddr(i)));
    return this.#memLin;
  }

  /**
   * Reads `size` bytes at the linear address in local `lin`; returns a local with the value.
   * With `forWrite` (the read half of a read-modify-write) the fast path also requires the
   * page to be writable and free of translated code, and remembers the host address, so the
   * instruction's store to the same operand needs no second TLB check (`store()`).
   */
  load(lin: number, size: number, forWrite = false): number {
    const m = this.m;
    const v = this.tmp();
    if (this.mode.ramEnd !== 0) {
      // Linear addresses are physical: RAM the checks pass is at RAM_BASE plus the address.
      const ok = forWrite
        ? this.fastAccess(this.tlbEntry(lin), lin, size, true)
        : m.i32.lt_u(this.get(lin), this.c(this.mode.ramEnd - (size - 1)));
      if (forWrite) this.#rmw = { lin, host: -1 };
      const fast = this.loadAt(size, RAM_BASE, this.get(lin));
      this.stmts.push(m.if(ok, m.local.set(v, fast), this.slowLoad(lin, size, v)));
      return v;
    }
    const e = this.tlbEntry(lin);
    const ok = this.fastAccess(e, lin, size, forWrite);
    let host = m.i32.xor(m.i32.and(this.get(e), this.c(~0xfff)), this.get(lin));
    if (forWrite) {
      // Host address 0 is CPU state, never guest RAM: it stands for "no fast store". With
      // paging off the slow path leaves the block, so past the load the fast path was taken.
      const hostLocal = this.tmp();
      this.#rmw = { lin, host: hostLocal };
      if (this.mode.paging) this.stmts.push(m.local.set(hostLocal, this.c(0)));
      host = m.local.tee(hostLocal, host, this.b.i32);
    }
    this.stmts.push(
      m.if(ok, m.local.set(v, this.loadAt(size, 0, host)), this.slowLoad(lin, size, v)),
    );
    return v;
  }
  /** Loads `size` bytes (zero-extended) at host address `host` plus the constant `offset`. */
  private loadAt(size: number, offset: number, host: Expr): Expr {
    const m = this.m;
    return size === 4
      ? m.i32.load(offset, 1, host)
      : size === 2
      ? m.i32.load16_u(offset, 1, host)
      : m.i32.load8_u(offset, 1, host);
  }
  /** The slow path of a load into local `v`: leave for the interpreter, or call the MMU. */
  private slowLoad(lin: number, size: number, v: number): Expr {
    const m = this.m;
    const i32 = this.b.i32;
    if (!this.mode.paging) return this.leaveToInterpreter();
    const slow = m.call(HOST.read[size], [this.get(lin), this.site(), this.doneBefore()], i32);
    // A device read may ask the run loop for attention; the block's exit then returns to it.
    const stop = m.local.set(L_STOP, m.i32.or(this.get(L_STOP), m.call(HOST.stopped, [], i32)));
    return m.block(null, [...this.spill(), m.local.set(v, slow), stop]);
  }
  /** A local holding the TLB entry of the page of the linear address in local `lin`. */
  private tlbEntry(lin: number): number {
    const m = this.m;
    return this.let(
      m.i32.load(OFF_TLB, 4, m.i32.shl(m.i32.shr_u(this.get(lin), this.c(12)), this.c(2))),
    );
  }
  /**
   * Leaves the block before the current instruction for the dispatcher to run it in the
   * interpreter (which fetches through the MMU, walks the page tables, reaches devices, catches
   * writes to translated code and raises faults). On a memory slow path this replaces a call
   * only with paging off, where a miss is rare (see `BlockMode.paging`): a call makes V8 keep
   * live values in memory around the fast path too, a return costs nothing there.
   */
  private leaveToInterpreter(): Expr {
    const m = this.m;
    return m.block(null, [
      ...this.spill(),
      this.storeState(OFF_EIP, this.c(this.plan.eips[this.k])),
      m.i32.store(OFF_INTERPRET_NEXT, 4, this.c(0), this.c(1)),
      m.return(this.doneBefore()),
    ]);
  }
  /** Writes `size` bytes of local `v` at the linear address in local `lin`. */
  store(lin: number, size: number, v: number): void {
    const m = this.m;
    const rmw = this.#rmw;
    if (rmw !== null && rmw.lin === lin) {
      if (rmw.host < 0) return this.emit(this.storeAt(size, RAM_BASE, this.get(lin), v));
      const fast = this.storeAt(size, 0, this.get(rmw.host), v);
      if (!this.mode.paging) return this.emit(fast);
      this.stmts.push(m.if(this.get(rmw.host), fast, this.slowStore(lin, size, v)));
      return;
    }
    const e = this.tlbEntry(lin);
    const ok = this.fastAccess(e, lin, size, true);
    const fast = this.mode.ramEnd !== 0
      ? this.storeAt(size, RAM_BASE, this.get(lin), v)
      : this.storeAt(size, 0, m.i32.xor(m.i32.and(this.get(e), this.c(~0xfff)), this.get(lin)), v);
    this.stmts.push(m.if(ok, fast, this.slowStore(lin, size, v)));
  }
  /** Stores `size` bytes of local `v` at host address `host` plus the constant `offset`. */
  private storeAt(size: number, offset: number, host: Expr, v: number): Expr {
    const m = this.m;
    return size === 4
      ? m.i32.store(offset, 1, host, this.get(v))
      : size === 2
      ? m.i32.store16(offset, 1, host, this.get(v))
      : m.i32.store8(offset, 1, host, this.get(v));
  }
  /** The slow path of a store: leave for the interpreter, or store registers and call the MMU. */
  private slowStore(lin: number, size: number, v: number): Expr {
    const m = this.m;
    if (!this.mode.paging) return this.leaveToInterpreter();
    const slow = m.call(
      HOST.write[size],
      [this.get(lin), this.get(v), this.site(), this.doneBefore()],
      this.b.i32,
    );
    this.#slowWrite = true;
    return m.block(null, [...this.spill(), m.local.set(L_STOP, m.i32.or(this.get(L_STOP), slow))]);
  }

  /**
   * Whether the access of `size` bytes at the linear address in local `lin`, whose TLB entry is
   * in local `e`, can go straight to host memory: the entry maps the page for this access (a
   * read: not MMIO; a write: also writable and free of translated code; at CPL 3 also user)
   * and the access ends on the same page. One comparison: an access that crosses the page end
   * flips bit 12 between its first and last byte, and that bit joins the flag bits tested.
   */
  private fastAccess(e: number, lin: number, size: number, write: boolean): Expr {
    const m = this.m;
    const { mask, want } = this.#accessBits(write);
    let bits = m.i32.and(this.get(e), this.c(mask));
    if (size > 1) {
      const last = m.i32.add(this.get(lin), this.c(size - 1));
      const crossed = m.i32.and(m.i32.xor(last, this.get(lin)), this.c(0x1000));
      bits = m.i32.or(bits, crossed);
    }
    return m.i32.eq(bits, this.c(want));
  }

  /** The TLB entry bits a fast access tests (`mask`) and needs (`want`). */
  #accessBits(write: boolean): { mask: number; want: number } {
    const u = this.mode.user ? TLB_USER : 0;
    const mask = write ? TLB_VALID | TLB_WRITE | TLB_MMIO | TLB_CODE | u : TLB_VALID | TLB_MMIO | u;
    return { mask, want: write ? TLB_VALID | TLB_WRITE | u : TLB_VALID | u };
  }
  /**
   * Whether the TLB entry of linear page number `page` lets a write go straight to host memory
   * (as a store's fast path requires, the page end aside).
   */
  pageWritable(page: Expr): Expr {
    const m = this.m;
    const { mask, want } = this.#accessBits(true);
    const e = m.i32.load(OFF_TLB, 4, m.i32.shl(page, this.c(2)));
    return m.i32.eq(m.i32.and(e, this.c(mask)), this.c(want));
  }

  // ---- operands (mirrors interp/operands.ts) -----------------------------------------------

  /** Whether every operand of `i` is of a kind the inline operand helpers handle. */
  operandsInlinable(i: Instr): boolean {
    for (const spec of i.op.operands) {
      switch (spec.kind) {
        case K_E:
        case K_M:
          if (i.mod !== 3 && !this.memInlinable(i)) return false;
          break;
        case K_O:
          if (!this.memInlinable(i)) return false;
          break;
        case K_G:
        case K_I:
        case K_REG:
        case K_Z:
        case K_ONE:
          break;
        default:
          return false;
      }
    }
    return true;
  }
  /**
   * Reads operand n of `size` bytes into a local; `forWrite` when the instruction then writes
   * the same operand (a read-modify-write), so a memory operand is checked once for both.
   */
  readOperand(i: Instr, n: number, size: number, forWrite = false): number {
    const spec = i.op.operands[n];
    switch (spec.kind) {
      case K_E:
      case K_M:
      case K_O:
        if (i.mod === 3) return this.let(this.readReg(i.rm, size));
        return this.load(this.memLinear(i), size, forWrite);
      case K_G:
        return this.let(this.readReg(i.reg, size));
      case K_I:
        return this.let(this.c(size === 4 ? i.imm : i.imm & sizeMaskOf(size)));
      case K_REG:
        return this.let(this.readReg(spec.reg, size));
      case K_Z:
        return this.let(this.readReg(i.rm, size));
      case K_ONE:
        return this.let(this.c(1));
    }
    throw new RangeError(`Cannot read operand kind ${spec.kind} inline`);
  }
  /** Writes local `v` to operand n of `size` bytes. */
  writeOperand(i: Instr, n: number, size: number, v: number): void {
    const spec = i.op.operands[n];
    switch (spec.kind) {
      case K_E:
      case K_M:
      case K_O:
        if (i.mod === 3) return this.writeReg(i.rm, size, this.get(v));
        return this.store(this.memLinear(i), size, v);
      case K_G:
        return this.writeReg(i.reg, size, this.get(v));
      case K_REG:
        return this.writeReg(spec.reg, size, this.get(v));
      case K_Z:
        return this.writeReg(i.rm, size, this.get(v));
    }
    throw new RangeError(`Cannot write operand kind ${spec.kind} inline`);
  }

  // ---- instruction boundaries and exits ----------------------------------------------------

  /** Starts instruction k. */
  begin(k: number): void {
    this.k = k;
    this.#memLin = -1;
    this.#slowWrite = false;
    this.#rmw = null;
  }
  /**
   * Leaves the block for the interpreter before the current instruction unless the TLB maps
   * linear page `lin` to host page `host` for a fetch: the instruction's bytes were read there.
   */
  leaveIfMoved(lin: number, host: number): void {
    if (!this.mode.paging) return;
    this.stmts.push(this.m.if(this.#pageMoved(lin, host), this.leaveToInterpreter()));
  }
  /** Ends the current instruction: leaves the block if a slow-path write asked to stop. */
  end(): void {
    if (!this.#slowWrite) return;
    const m = this.m;
    const exit = m.block(null, [
      ...this.spill(),
      this.storeState(OFF_EIP, this.c(this.nextEip)),
      m.return(this.doneAfter()),
    ]);
    this.stmts.push(m.if(this.get(L_STOP), exit));
  }
  /**
   * Statements leaving the block with EIP = `eip` after the current instruction: a tail call
   * to the chain helper, which continues in the next compiled block when the jump cache knows
   * it and the budget allows, or returns to the dispatcher.
   */
  exitTo(eip: Expr): Expr[] {
    const m = this.m;
    const t = this.tmp();
    const i32 = this.b.i32;
    const back = m.block(null, [this.storeState(OFF_EIP, this.get(t)), m.return(this.doneAfter())]);
    return [
      m.local.set(t, eip),
      ...this.spill(),
      m.if(this.get(L_STOP), back),
      m.return_call(
        chainName(modeKey(this.mode)),
        [this.get(L_BUDGET), this.doneAfter(), this.get(t)],
        i32,
      ),
    ];
  }
  /**
   * Statements leaving the block for the EIP in local `t`, known only at run time: when it is
   * the entry of one of the region members `candidates`, an edge inside the function (no chain
   * helper, no reload of the registers), else `exitTo`.
   * @param t local holding the target EIP
   * @param candidates member indices worth checking
   */
  indirectTo(t: number, candidates: readonly number[]): Expr[] {
    const m = this.m;
    const r = this.#region;
    const out: Expr[] = [];
    if (r !== null) {
      for (const j of candidates) {
        out.push(m.if(m.i32.eq(this.get(t), this.c(r.entries[j])), this.edgeTo(j)));
      }
    }
    return [...out, ...this.exitTo(this.get(t))];
  }
  /** Likely targets of the current member's final indirect transfer (none outside a region). */
  get indirectCandidates(): readonly number[] {
    return this.#region?.indirect?.[this.#member] ?? [];
  }
  /** Runs the current instruction through the interpreter handler (a host callout). */
  callout(): void {
    const m = this.m;
    this.flushFlags();
    this.flushRegs();
    const stop = m.call(HOST.callout, [this.site(), this.doneBefore()], this.b.i32);
    this.stmts.push(m.local.set(L_STOP, stop));
    this.forgetRegs();
    this.stmts.push(m.if(this.get(L_STOP), m.return(this.doneAfter())));
    if (this.#direction >= 0) this.stmts.push(this.readDirection());
  }
  // ---- regions -----------------------------------------------------------------------------

  /**
   * Starts a region function: every register loaded into its local (the state a loop header
   * expects), the canonical flag record empty. Call after `prologue()`, before the first
   * `enterMember`.
   * @param layout the member blocks
   */
  beginRegion(layout: RegionLayout): void {
    this.#region = layout;
    for (let n = 0; n < 5; n++) this.#canon.push(this.tmp());
    this.#next = this.tmp();
    this.loadAll();
    this.emit(this.m.local.set(this.#canon[0], this.c(FLAGS_IN_STATE)));
    if (layout.table) {
      this.emit(this.m.local.set(this.#next, this.m.global.get(REGION_START, this.b.i32)));
    }
  }
  /**
   * Starts member block j of the region: it may be entered from several edges, so every
   * register is in its local but may differ from the state, and the flag record is in the state
   * or (when the block replaces the flags before reading them) in the canonical locals.
   * @param j the member's index
   * @param plan the member block
   * @param siteId the number naming it in host calls
   */
  enterMember(j: number, plan: BlockPlan, siteId: number): void {
    const r = this.#region;
    if (r === null) throw new RangeError("Cannot enter a region member outside a region");
    this.#member = j;
    this.plan = plan;
    this.siteId = siteId;
    this.#loaded.fill(true);
    this.#dirty = 0;
    this.#sinceEntry = true;
    this.#pending = r.flagsLive[j]
      ? null
      : { op: PENDING_CANON, bits: 0, a: -1, b: -1, res: -1, cf: -1 };
  }
  /** Index of the region member entered at `eip`, or -1. */
  memberAt(eip: number): number {
    return this.#region === null ? -1 : this.#region.entries.indexOf(eip);
  }
  /**
   * A statement leaving the current block (after its last instruction) for the constant EIP
   * `target`: an edge inside the region when a member starts there, else an exit through the
   * chain helper. It does not change what the context assumes about the code after it.
   */
  branchTo(target: number): Expr {
    const j = this.memberAt(target);
    return j < 0 ? this.m.block(null, this.exitTo(this.c(target))) : this.edgeTo(j);
  }
  /**
   * An edge to member j: leave to the dispatcher with EIP at its entry if the budget does not
   * cover all of it (or a stop was requested), else hand over the flag record as j expects it and
   * branch there.
   */
  edgeTo(j: number): Expr {
    const m = this.m;
    const r = this.#region!;
    const len = this.plan.instrs.length;
    const saved = this.#save();
    const start = this.stmts.length;
    // The budget never runs below zero: an edge is taken only when its target block fits.
    let over = m.i32.lt_u(this.get(L_LEFT), this.c(len + r.lengths[j]));
    const pages = r.pages;
    if (this.mode.paging && pages !== undefined && pages[j].lin !== pages[this.#member].lin) {
      over = m.i32.or(over, this.#pageMoved(pages[j].lin, pages[j].host));
    }
    const leave = m.block(null, [
      ...this.spill(),
      this.storeState(OFF_EIP, this.c(r.entries[j])),
      m.return(this.done(len)),
    ]);
    this.emit(m.if(m.i32.or(over, this.get(L_STOP)), leave));
    this.#flagsInto(j);
    this.loadAll();
    this.emit(m.local.set(L_LEFT, m.i32.sub(this.get(L_LEFT), this.c(len))));
    const loopEnd = r.loopEnds?.[j] ?? -1;
    if (j === this.#member && r.selfLoops?.[j]) this.emit(m.br(selfLoopLabel(j)));
    else if (j <= this.#member && this.#member <= loopEnd) this.emit(m.br(innerLoopLabel(j)));
    else if (j <= this.#member) {
      if (r.table) this.emit(m.local.set(this.#next, this.c(j)));
      this.emit(m.br(REGION_LOOP));
    } else this.emit(m.br(memberLabel(j)));
    const out = this.stmts.splice(start);
    this.#restore(saved);
    return m.block(null, out);
  }
  /**
   * Whether the TLB no longer maps linear page `lin` to host page `host` for a fetch. Only paging
   * can move a page: without it the block mode (A20 included) fixes every linear page's host.
   */
  #pageMoved(lin: number, host: number): Expr {
    const m = this.m;
    const u = this.mode.user ? TLB_USER : 0;
    const e = m.i32.load(OFF_TLB, 4, this.c(lin << 2));
    const want = (((host ^ lin) << 12) | TLB_VALID | u) | 0;
    return m.i32.ne(m.i32.and(e, this.c(~0xfff | TLB_VALID | TLB_MMIO | u)), this.c(want));
  }
  /**
   * The loop header's dispatch on the target member (table layout only). Members inside an
   * inner loop are never its target: no stub starts there and no edge goes back to them.
   */
  dispatch(hidden: readonly boolean[]): Expr {
    const names = hidden.map((h, j) => h ? UNREACHABLE_MEMBER : memberLabel(j));
    return this.m.switch(names, names[0], this.get(this.#next));
  }

  /**
   * Emits what hands the pending flag record to member j as its entry expects it (in the
   * canonical locals, or in the state), as an edge into j does.
   */
  handFlagsTo(j: number): void {
    this.#flagsInto(j);
  }

  #flagsInto(j: number): void {
    const m = this.m;
    if (this.#region!.flagsLive[j]) return this.flushFlags();
    const [kind, a, b, res, cf] = this.#canon;
    let p = this.#pending;
    if (p !== null && p.op === PENDING_CANON) return;
    if (p !== null && p.op === PENDING_MUL) {
      this.flushFlags();
      p = null;
    }
    if (p === null) return this.emit(m.local.set(kind, this.c(FLAGS_IN_STATE)));
    this.emit(m.local.set(kind, this.c(canonKind(p.op, p.bits))));
    const operands: [number, number][] = [[a, p.a], [b, p.b], [res, p.res]];
    if (p.cf >= 0) operands.push([cf, p.cf]);
    for (const [slot, from] of operands) {
      this.emit(m.local.set(slot, this.get(from)));
      const known = this.#canonConst[slot];
      const value = this.#constants.get(from) ?? null;
      this.#canonConst[slot] = known === undefined || known === value ? value : null;
    }
  }

  /**
   * Statements for the region's start giving each canonical operand local the constant every
   * edge stores there, when there is one. The locals are read only after an edge stored them
   * (the kind says the state holds the flags until then), so the start value is free; making it
   * that constant lets V8 see one value instead of a loop phi of two.
   */
  canonDefaults(): Expr[] {
    const out: Expr[] = [];
    this.#canonConst.forEach((v, slot) => {
      if (typeof v === "number") out.push(this.m.local.set(slot, this.c(v)));
    });
    return out;
  }

  #save(): SavedState {
    return {
      pending: this.#pending,
      loaded: [...this.#loaded],
      dirty: this.#dirty,
      since: this.#sinceEntry,
    };
  }

  #restore(s: SavedState): void {
    this.#pending = s.pending;
    this.#loaded = s.loaded;
    this.#dirty = s.dirty;
    this.#sinceEntry = s.since;
  }

  /** Whether the pending record is cleared (the state holds the flags). */
  get flagsStored(): boolean {
    return this.#pending === null;
  }
  /** Forgets the pending record after its stores were emitted on every path. */
  dropPending(): void {
    this.#pending = null;
  }
}
