/**
 * Inline shifts by a constant count: shl/sal, shr and sar with an immediate or implicit 1 whose
 * masked count is below the operand size. Other counts and the rotates stay callouts.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { K_I, K_ONE } from "../../src/cpu/decode/operand.ts";
import { LAZY_SAR, LAZY_SHL, LAZY_SHR } from "../../src/cpu/flags.ts";
import { type EmitContext, type Expr, sizeMaskOf } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

/** The constant count of a shift, or 0 when it is not a constant in 1..bits-1. */
function constantCount(i: Instr): number {
  const kind = i.op.operands[1].kind;
  const count = kind === K_ONE ? 1 : kind === K_I ? i.imm & 31 : 0;
  return count < i.size1 * 8 ? count : 0;
}

function shift(lazy: number, compute: (ctx: EmitContext, a: Expr, n: Expr, size: number) => Expr) {
  return (ctx: EmitContext, i: Instr): boolean => {
    const count = constantCount(i);
    if (count === 0 || !ctx.operandsInlinable(i)) return false;
    const size = i.size1;
    const a = ctx.readOperand(i, 0, size);
    const n = ctx.let(ctx.c(count));
    const r = compute(ctx, ctx.get(a), ctx.get(n), size);
    const res = ctx.let(size === 4 ? r : ctx.m.i32.and(r, ctx.c(sizeMaskOf(size))));
    ctx.writeOperand(i, 0, size, res);
    ctx.setFlags(lazy, size, a, n, res);
    return true;
  };
}

/** Emitters of this family. */
export const SHIFT_EMITTERS: EmitterTable = {
  shl: shift(LAZY_SHL, (ctx, a, n) => ctx.m.i32.shl(a, n)),
  sal: shift(LAZY_SHL, (ctx, a, n) => ctx.m.i32.shl(a, n)),
  shr: shift(LAZY_SHR, (ctx, a, n) => ctx.m.i32.shr_u(a, n)),
  sar: shift(LAZY_SAR, (ctx, a, n, size) => ctx.m.i32.shr_s(ctx.signExtend(a, size), n)),
};
