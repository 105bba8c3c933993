/**
 * Inline integer arithmetic and logic, mirroring `interp/alu.ts`: add, or, and, sub, xor, cmp,
 * test, inc, dec, not, neg, adc, sbb (SDM vol. 1 §7.3.2–7.3.3). Results become the pending
 * lazy-flag record (stored only when observable); adc and sbb read CF first and leave the
 * LAZY_ADC / LAZY_SBB record the interpreter leaves.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import {
  LAZY_ADC,
  LAZY_ADD,
  LAZY_DEC,
  LAZY_INC,
  LAZY_LOGIC,
  LAZY_SBB,
  LAZY_SUB,
} from "../../src/cpu/flags.ts";
import { type EmitContext, type Expr, sizeMaskOf } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";
import { carryDeadAfter } from "../region.ts";

type Combine = (ctx: EmitContext, a: Expr, b: Expr) => Expr;

function masked(ctx: EmitContext, v: Expr, size: number): Expr {
  return size === 4 ? v : ctx.m.i32.and(v, ctx.c(sizeMaskOf(size)));
}

/** Two-operand form: destination operand 0, source operand 1; `write` false for cmp. */
function binary(lazy: number, combine: Combine, write: boolean) {
  return (ctx: EmitContext, i: Instr): boolean => {
    if (!ctx.operandsInlinable(i)) return false;
    const size = i.size1;
    const a = ctx.readOperand(i, 0, size, write);
    const b = ctx.readOperand(i, 1, size);
    const res = ctx.let(masked(ctx, combine(ctx, ctx.get(a), ctx.get(b)), size));
    if (write) ctx.writeOperand(i, 0, size, res);
    ctx.setFlags(lazy, size, a, b, res);
    return true;
  };
}

/** adc/sbb: `a ± b ± CF`, with the carry-in recovered from the record when flags are read. */
function withCarry(add: boolean) {
  return (ctx: EmitContext, i: Instr): boolean => {
    if (!ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const size = i.size1;
    const a = ctx.readOperand(i, 0, size, true);
    const b = ctx.readOperand(i, 1, size);
    const cf = ctx.carry();
    const r = add
      ? m.i32.add(m.i32.add(ctx.get(a), ctx.get(b)), cf)
      : m.i32.sub(m.i32.sub(ctx.get(a), ctx.get(b)), cf);
    const res = ctx.let(masked(ctx, r, size));
    ctx.writeOperand(i, 0, size, res);
    ctx.setFlags(add ? LAZY_ADC : LAZY_SBB, size, a, b, res);
    return true;
  };
}

function incDec(inc: boolean) {
  return (ctx: EmitContext, i: Instr): boolean => {
    if (!ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const size = i.size1;
    // When a later flag writer hides the kept CF from everything, the incoming carry is moot.
    const dead = carryDeadAfter(ctx.plan.instrs, ctx.k);
    const cf = ctx.let(dead ? ctx.c(0) : ctx.carry());
    const a = ctx.readOperand(i, 0, size, true);
    const one = ctx.let(ctx.c(1));
    const sum = inc ? m.i32.add(ctx.get(a), ctx.c(1)) : m.i32.sub(ctx.get(a), ctx.c(1));
    const res = ctx.let(masked(ctx, sum, size));
    ctx.writeOperand(i, 0, size, res);
    ctx.setFlags(inc ? LAZY_INC : LAZY_DEC, size, a, one, res, cf);
    return true;
  };
}

/** Emitters of this family. */
export const ALU_EMITTERS: EmitterTable = {
  add: binary(LAZY_ADD, (c, a, b) => c.m.i32.add(a, b), true),
  or: binary(LAZY_LOGIC, (c, a, b) => c.m.i32.or(a, b), true),
  and: binary(LAZY_LOGIC, (c, a, b) => c.m.i32.and(a, b), true),
  sub: binary(LAZY_SUB, (c, a, b) => c.m.i32.sub(a, b), true),
  xor: binary(LAZY_LOGIC, (c, a, b) => c.m.i32.xor(a, b), true),
  cmp: binary(LAZY_SUB, (c, a, b) => c.m.i32.sub(a, b), false),
  adc: withCarry(true),
  sbb: withCarry(false),
  test(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const size = i.size1;
    const a = ctx.readOperand(i, 0, size);
    const b = ctx.readOperand(i, 1, size);
    const r = ctx.let(ctx.m.i32.and(ctx.get(a), ctx.get(b)));
    ctx.setFlags(LAZY_LOGIC, size, r, r, r);
    return true;
  },
  inc: incDec(true),
  dec: incDec(false),
  not(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const size = i.size1;
    const a = ctx.readOperand(i, 0, size, true);
    const r = ctx.let(masked(ctx, ctx.m.i32.xor(ctx.get(a), ctx.c(-1)), size));
    ctx.writeOperand(i, 0, size, r);
    return true;
  },
  neg(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const size = i.size1;
    const b = ctx.readOperand(i, 0, size, true);
    const zero = ctx.let(ctx.c(0));
    const r = ctx.let(masked(ctx, ctx.m.i32.sub(ctx.c(0), ctx.get(b)), size));
    ctx.writeOperand(i, 0, size, r);
    ctx.setFlags(LAZY_SUB, size, zero, b, r);
    return true;
  },
};
