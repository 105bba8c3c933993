/**
 * Inline shifts and rotates, mirroring `interp/shift.ts` (SDM vol. 2 SAL/SAR/SHL/SHR, ROL/ROR):
 * shl/sal, shr and sar by a constant (the result becomes the pending lazy record) or by CL, and
 * rol and ror by a constant or by CL. A masked count of 0 changes neither the operand nor any
 * flag, and since a CL count is known only at run time, those forms store the previous record
 * first and write the operand and the new record under a run time test. Rotates replace CF and
 * OF in the materialised EFLAGS, as the interpreter does. rcl, rcr, shld and shrd stay callouts.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { K_I, K_ONE, K_REG } from "../../src/cpu/decode/operand.ts";
import { CF, LAZY_SAR, LAZY_SHL, LAZY_SHR, OF } from "../../src/cpu/flags.ts";
import {
  ECX,
  OFF_LAZY_A,
  OFF_LAZY_B,
  OFF_LAZY_OP,
  OFF_LAZY_RES,
  OFF_LAZY_SIZE,
} from "../../src/cpu/state.ts";
import { capture } from "./_branch.ts";
import { materialiseFlags, storeFlags } from "./_flags.ts";
import { type EmitContext, type Expr, sizeMaskOf } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

/** Shift counts are masked to 5 bits (SDM: COUNTMASK for operands below 64 bits). */
const COUNT_MASK = 31;

/** The constant masked count of group-2 form `i`, or -1 when the count is CL. */
function constantCount(i: Instr): number {
  const kind = i.op.operands[1].kind;
  if (kind === K_ONE) return 1;
  if (kind === K_I) return i.imm & COUNT_MASK;
  return kind === K_REG ? -1 : -2;
}

/** The registers the operand of `i` lives in (already loaded by reading it). */
function operandRegs(i: Instr): number[] {
  return i.mod === 3 ? [i.size1 === 1 ? i.rm & 3 : i.rm] : [];
}

function masked(ctx: EmitContext, v: Expr, size: number): Expr {
  return size === 4 ? v : ctx.m.i32.and(v, ctx.c(sizeMaskOf(size)));
}

/** Computes a shift of local `a` (masked) by local `n` (1..31) for `size` bytes. */
type ShiftCompute = (ctx: EmitContext, a: number, n: number, size: number) => Expr;

/** shl, shr, sar: a pending record for a constant count below the width, else run time. */
function shift(lazy: number, compute: ShiftCompute) {
  return (ctx: EmitContext, i: Instr): boolean => {
    const count = constantCount(i);
    const size = i.size1;
    if (count < -1 || !ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const a = ctx.readOperand(i, 0, size, true);
    if (count === 0) return true; // read (and possibly faulted), nothing else
    if (count > 0 && count < size * 8) {
      const n = ctx.let(ctx.c(count));
      const res = ctx.let(masked(ctx, compute(ctx, a, n, size), size));
      ctx.writeOperand(i, 0, size, res);
      ctx.setFlags(lazy, size, a, n, res);
      return true;
    }
    // The record's count may reach the width here, which the pending-record CF rules exclude.
    const n = ctx.let(count > 0 ? ctx.c(count) : m.i32.and(ctx.reg32(ECX), ctx.c(COUNT_MASK)));
    ctx.flushFlags();
    const body = capture(ctx, operandRegs(i), () => {
      const r = compute(ctx, a, n, size);
      const res = ctx.let(masked(ctx, r, size));
      ctx.writeOperand(i, 0, size, res);
      ctx.emit(ctx.storeState(OFF_LAZY_OP, ctx.c(lazy)));
      ctx.emit(ctx.storeState(OFF_LAZY_A, ctx.get(a)));
      ctx.emit(ctx.storeState(OFF_LAZY_B, ctx.get(n)));
      ctx.emit(ctx.storeState(OFF_LAZY_RES, ctx.get(res)));
      ctx.emit(ctx.storeState(OFF_LAZY_SIZE, ctx.c(size * 8)));
    });
    ctx.emit(count > 0 ? m.block(null, body) : m.if(ctx.get(n), m.block(null, body)));
    return true;
  };
}

/** `v` when the count in local `n` is below the operand width, else 0 (shl and shr). */
function belowWidth(ctx: EmitContext, v: Expr, n: number, size: number): Expr {
  if (size === 4) return v;
  return ctx.m.select(ctx.m.i32.lt_u(ctx.get(n), ctx.c(size * 8)), v, ctx.c(0));
}

/** rol/ror by a constant or by CL: the operand, then CF and OF in materialised EFLAGS. */
function rotate(left: boolean) {
  return (ctx: EmitContext, i: Instr): boolean => {
    const count = constantCount(i);
    if (count < -1 || !ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const c = (v: number) => ctx.c(v);
    const size = i.size1;
    const bits = size * 8;
    const a = ctx.readOperand(i, 0, size, true);
    if (count === 0) return true;
    const n = ctx.let(count > 0 ? c(count) : m.i32.and(ctx.reg32(ECX), c(COUNT_MASK)));
    ctx.flushFlags();
    const body = capture(ctx, operandRegs(i), () => {
      let r: Expr;
      if (size === 4) {
        r = left ? m.i32.rotl(ctx.get(a), ctx.get(n)) : m.i32.rotr(ctx.get(a), ctx.get(n));
      } else {
        // a is masked to the width, so shifting it by `bits` leaves 0 and n % bits = 0 works.
        const k = ctx.let(m.i32.and(ctx.get(n), c(bits - 1)));
        const there = left ? m.i32.shl : m.i32.shr_u;
        const back = left ? m.i32.shr_u : m.i32.shl;
        r = m.i32.or(
          there(ctx.get(a), ctx.get(k)),
          back(ctx.get(a), m.i32.sub(c(bits), ctx.get(k))),
        );
      }
      const res = ctx.let(masked(ctx, r, size));
      ctx.writeOperand(i, 0, size, res);
      const top = (shift: number) => m.i32.and(m.i32.shr_u(ctx.get(res), c(shift)), c(1));
      const cf = ctx.let(left ? m.i32.and(ctx.get(res), c(1)) : top(bits - 1));
      const of = m.i32.xor(ctx.get(cf), left ? top(bits - 1) : top(bits - 2));
      const f = materialiseFlags(ctx);
      const kept = m.i32.and(ctx.get(f), c(~(CF | OF)));
      storeFlags(ctx, m.i32.or(kept, m.i32.or(ctx.get(cf), m.i32.shl(of, c(Math.log2(OF))))));
    });
    ctx.emit(count > 0 ? m.block(null, body) : m.if(ctx.get(n), m.block(null, body)));
    return true;
  };
}

function g(ctx: EmitContext, l: number): Expr {
  return ctx.get(l);
}

/** Emitters of this family. */
export const SHIFT_EMITTERS: EmitterTable = {
  shl: shift(
    LAZY_SHL,
    (ctx, a, n, size) => belowWidth(ctx, ctx.m.i32.shl(g(ctx, a), g(ctx, n)), n, size),
  ),
  sal: shift(
    LAZY_SHL,
    (ctx, a, n, size) => belowWidth(ctx, ctx.m.i32.shl(g(ctx, a), g(ctx, n)), n, size),
  ),
  shr: shift(
    LAZY_SHR,
    (ctx, a, n, size) => belowWidth(ctx, ctx.m.i32.shr_u(g(ctx, a), g(ctx, n)), n, size),
  ),
  sar: shift(
    LAZY_SAR,
    (ctx, a, n, size) => ctx.m.i32.shr_s(ctx.signExtend(g(ctx, a), size), g(ctx, n)),
  ),
  rol: rotate(true),
  ror: rotate(false),
};
