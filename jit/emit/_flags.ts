/**
 * EFLAGS materialised inline from the stored lazy-flag record, for the instructions that
 * replace some arithmetic flags and keep the others (rotates, bit tests, bit scans). It is the
 * wasm counterpart of `arithFlags` and `lazyCarry` in `src/cpu/flags.ts` and must give the same
 * bits for every record either engine can leave (DESIGN.md §4).
 */

import {
  AF,
  ARITH_FLAGS,
  CF,
  LAZY_ADC,
  LAZY_ADD,
  LAZY_DEC,
  LAZY_INC,
  LAZY_LOGIC,
  LAZY_NONE,
  LAZY_SAR,
  LAZY_SBB,
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
  OFF_LAZY_A,
  OFF_LAZY_B,
  OFF_LAZY_OP,
  OFF_LAZY_RES,
  OFF_LAZY_SIZE,
} from "../../src/cpu/state.ts";
import type { EmitContext, Expr } from "./context.ts";

/**
 * Stores the pending record, then returns a local holding the full EFLAGS value the
 * interpreter's `getFlags()` would give.
 */
export function materialiseFlags(ctx: EmitContext): number {
  const m = ctx.m;
  ctx.flushFlags();
  const op = ctx.let(ctx.loadState(OFF_LAZY_OP));
  const stored = ctx.let(ctx.loadState(OFF_EFLAGS));
  const arith = computeArith(ctx, op, stored);
  const kept = m.i32.and(ctx.get(stored), ctx.c(~ARITH_FLAGS));
  return ctx.let(
    m.if(m.i32.eq(ctx.get(op), ctx.c(LAZY_NONE)), ctx.get(stored), m.i32.or(kept, arith)),
  );
}

/**
 * Replaces EFLAGS with the local `flags` and marks the record as materialised (LAZY_NONE), as
 * the interpreter's `setFlags` does for arithmetic bits.
 */
export function storeFlags(ctx: EmitContext, flags: Expr): void {
  ctx.emit(ctx.storeState(OFF_EFLAGS, flags));
  ctx.emit(ctx.storeState(OFF_LAZY_OP, ctx.c(LAZY_NONE)));
}

/** `flag` when the 0/1 `bit` is set, else 0. */
function place(ctx: EmitContext, bit: Expr, flag: number): Expr {
  return ctx.m.i32.shl(bit, ctx.c(Math.log2(flag)));
}

/** The six arithmetic flags of the stored record with operation in local `op`. */
function computeArith(ctx: EmitContext, op: number, stored: number): Expr {
  const m = ctx.m;
  const c = (v: number) => ctx.c(v);
  const g = (l: number) => ctx.get(l);
  const is = (v: number) => m.i32.eq(g(op), c(v));
  const a = ctx.let(ctx.loadState(OFF_LAZY_A));
  const b = ctx.let(ctx.loadState(OFF_LAZY_B));
  const res = ctx.let(ctx.loadState(OFF_LAZY_RES));
  const size = ctx.let(ctx.loadState(OFF_LAZY_SIZE));
  const mask = ctx.let(
    m.select(m.i32.eq(g(size), c(32)), c(-1), m.i32.sub(m.i32.shl(c(1), g(size)), c(1))),
  );
  const sign = ctx.let(m.i32.shl(c(1), m.i32.sub(g(size), c(1))));
  const r = ctx.let(m.i32.and(g(res), g(mask)));
  const signOf = (v: Expr) => m.i32.ne(m.i32.and(v, g(sign)), c(0));

  // Expressions are trees in binaryen: each use needs a fresh node, hence the closures.
  const ua = () => m.i32.and(g(a), g(mask));
  const ub = () => m.i32.and(g(b), g(mask));
  const b1 = () => m.i32.sub(g(b), c(1));
  const carryIn = m.i32.and(
    is(LAZY_ADC),
    m.i32.ne(m.i32.and(m.i32.sub(m.i32.sub(g(r), g(a)), g(b)), g(mask)), c(0)),
  );
  const borrowIn = m.i32.and(
    is(LAZY_SBB),
    m.i32.ne(m.i32.and(m.i32.sub(m.i32.sub(g(a), g(b)), g(res)), g(mask)), c(0)),
  );
  const shift = () => m.i32.sub(c(32), g(size));
  const sa = m.i32.shr_s(m.i32.shl(g(a), shift()), shift());
  const cf = ctx.let(
    m.if(
      m.i32.or(is(LAZY_ADD), is(LAZY_ADC)),
      m.select(carryIn, m.i32.le_u(g(r), ua()), m.i32.lt_u(g(r), ua())),
      m.if(
        m.i32.or(is(LAZY_SUB), is(LAZY_SBB)),
        m.select(borrowIn, m.i32.le_u(ua(), ub()), m.i32.lt_u(ua(), ub())),
        m.if(
          is(LAZY_SHL),
          m.select(
            m.i32.le_u(g(b), g(size)),
            m.i32.and(m.i32.shr_u(g(a), m.i32.sub(g(size), g(b))), c(1)),
            c(0),
          ),
          m.if(
            is(LAZY_SHR),
            m.i32.and(m.i32.shr_u(ua(), b1()), c(1)),
            m.if(
              is(LAZY_SAR),
              m.i32.and(m.i32.shr_s(sa, m.select(m.i32.lt_u(b1(), c(31)), b1(), c(31))), c(1)),
              m.if(is(LAZY_LOGIC), c(0), m.i32.and(g(stored), c(CF))),
            ),
          ),
        ),
      ),
    ),
  );

  const addLike = m.i32.or(is(LAZY_ADD), is(LAZY_ADC));
  const subLike = m.i32.or(is(LAZY_SUB), is(LAZY_SBB));
  const of = m.if(
    addLike,
    signOf(m.i32.and(m.i32.xor(g(a), g(res)), m.i32.xor(g(b), g(res)))),
    m.if(
      subLike,
      signOf(m.i32.and(m.i32.xor(g(a), g(b)), m.i32.xor(g(a), g(res)))),
      m.if(
        is(LAZY_INC),
        m.i32.eq(g(r), g(sign)),
        m.if(
          is(LAZY_DEC),
          m.i32.eq(g(r), m.i32.and(m.i32.sub(g(sign), c(1)), g(mask))),
          m.if(
            is(LAZY_SHL),
            m.i32.ne(signOf(g(r)), g(cf)),
            m.if(is(LAZY_SHR), signOf(g(a)), c(0)),
          ),
        ),
      ),
    ),
  );
  const nibble = m.i32.and(g(r), c(0xf));
  const af = m.if(
    m.i32.or(addLike, subLike),
    m.i32.ne(m.i32.and(m.i32.xor(m.i32.xor(g(a), g(b)), g(res)), c(0x10)), c(0)),
    m.if(
      is(LAZY_INC),
      m.i32.eqz(nibble),
      m.i32.and(is(LAZY_DEC), m.i32.eq(m.i32.and(g(r), c(0xf)), c(0xf))),
    ),
  );
  const even = m.i32.xor(m.i32.and(m.i32.popcnt(m.i32.and(g(r), c(0xff))), c(1)), c(1));
  let f = m.i32.or(place(ctx, even, PF), place(ctx, m.i32.eqz(g(r)), ZF));
  f = m.i32.or(f, place(ctx, signOf(g(r)), SF));
  f = m.i32.or(f, m.i32.or(g(cf), place(ctx, of, OF)));
  return m.i32.or(f, place(ctx, af, AF));
}
