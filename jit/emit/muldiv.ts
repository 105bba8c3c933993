/**
 * Inline two- and three-operand signed multiply (imul2 `0F AF`, imul3 `69`/`6B`), mirroring
 * `interp/muldiv.ts`, for 32-bit operands: the product is formed in i64, CF = OF say whether it
 * fits the destination, and SF, ZF, PF follow the low half with AF cleared (SDM vol. 2 IMUL).
 * The flags become a pending "materialised" record, written to EFLAGS only when observable.
 * Other sizes, mul, div and idiv stay callouts.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import type { EmitContext } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

/** Multiplies locals `a` and `b` into register `i.reg` and records the multiply's flags. */
function emitImul(ctx: EmitContext, i: Instr, a: number, b: number): void {
  const m = ctx.m;
  const wide = m.i64.mul(m.i64.extend_s(ctx.get(a)), m.i64.extend_s(ctx.get(b)));
  const p = ctx.let64(wide);
  const low = ctx.let(m.i32.wrap(ctx.get64(p)));
  const over = ctx.let(m.i64.ne(ctx.get64(p), m.i64.extend_s(ctx.get(low))));
  ctx.writeReg(i.reg, 4, ctx.get(low));
  ctx.setMulFlags(low, over);
}

/** Emitters of this family. */
export const MULDIV_EMITTERS: EmitterTable = {
  imul2(ctx, i) {
    if (i.size1 !== 4 || !ctx.operandsInlinable(i)) return false;
    const b = ctx.readOperand(i, 1, 4);
    const a = ctx.let(ctx.reg32(i.reg));
    emitImul(ctx, i, a, b);
    return true;
  },
  imul3(ctx, i) {
    if (i.size1 !== 4 || !ctx.operandsInlinable(i)) return false;
    const a = ctx.readOperand(i, 1, 4);
    const b = ctx.readOperand(i, 2, 4);
    emitImul(ctx, i, a, b);
    return true;
  },
};
