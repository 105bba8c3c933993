/**
 * Inline multiply and divide, mirroring `interp/muldiv.ts` (SDM vol. 2 MUL, IMUL, DIV, IDIV),
 * for 32-bit operands: imul2 `0F AF`, imul3 `69`/`6B`, and the one-operand group-3 forms mul,
 * imul1, div and idiv (`F7 /4–/7`). Full products are formed in i64 (for imul2 and imul3 only
 * where CF/OF are read), CF = OF say whether the result fits the destination, and SF, ZF, PF
 * follow the low half with AF cleared; the flags become a pending "materialised" record,
 * written to EFLAGS only when observable. Divides leave the flags alone; a zero divisor or a
 * quotient that does not fit hands the instruction to its handler, which raises #DE with the
 * state as before it. 8- and 16-bit forms stay callouts.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { EAX, EDX } from "../../src/cpu/state.ts";
import { calloutWhen } from "./_branch.ts";
import type { EmitContext } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

/** Multiplies locals `a` and `b` into register `i.reg` and records the multiply's flags. */
function emitImul(ctx: EmitContext, i: Instr, a: number, b: number): void {
  const m = ctx.m;
  const low = ctx.let(m.i32.mul(ctx.get(a), ctx.get(b)));
  ctx.writeReg(i.reg, 4, ctx.get(low));
  // The full product is formed only where CF/OF are read; a and b are this instruction's locals.
  const wide = () => m.i64.mul(m.i64.extend_s(ctx.get(a)), m.i64.extend_s(ctx.get(b)));
  ctx.setMulFlags(low, () => m.i64.ne(wide(), m.i64.extend_s(ctx.get(low))));
}

/** mul/imul1 `r/m32`: EDX:EAX = EAX * r/m32. */
function wideMultiply(signed: boolean) {
  return (ctx: EmitContext, i: Instr): boolean => {
    if (i.size1 !== 4 || !ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const src = ctx.readOperand(i, 0, 4);
    const ext = signed ? m.i64.extend_s : m.i64.extend_u;
    const p = ctx.let64(m.i64.mul(ext(ctx.reg32(EAX)), ext(ctx.get(src))));
    const low = ctx.let(m.i32.wrap(ctx.get64(p)));
    const high = ctx.let(m.i32.wrap(m.i64.shr_u(ctx.get64(p), m.i64.const(32n))));
    ctx.setReg32(EAX, ctx.get(low));
    ctx.setReg32(EDX, ctx.get(high));
    ctx.setMulFlags(
      low,
      () =>
        signed
          ? m.i32.ne(ctx.get(high), m.i32.shr_s(ctx.get(low), ctx.c(31)))
          : m.i32.ne(ctx.get(high), ctx.c(0)),
    );
    return true;
  };
}

/** div/idiv `r/m32`: EAX, EDX = EDX:EAX / r/m32, % r/m32, or #DE through the handler. */
function wideDivide(signed: boolean) {
  return (ctx: EmitContext, i: Instr): boolean => {
    if (i.size1 !== 4 || !ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const c = (v: number) => ctx.c(v);
    const d = ctx.readOperand(i, 0, 4);
    const hi = ctx.let(ctx.reg32(EDX));
    const n = ctx.let64(
      m.i64.or(
        m.i64.shl(m.i64.extend_u(ctx.get(hi)), m.i64.const(32n)),
        m.i64.extend_u(ctx.reg32(EAX)),
      ),
    );
    const q = ctx.tmp64();
    if (signed) {
      // d = -1 with the most negative dividend would trap in i64.div_s; it is #DE anyway.
      const minusOne = m.i32.eq(ctx.get(d), c(-1));
      const lowest = m.i64.eq(ctx.get64(n), m.i64.const(-(1n << 63n)));
      calloutWhen(ctx, m.i32.or(m.i32.eqz(ctx.get(d)), m.i32.and(minusOne, lowest)));
      ctx.emit(m.local.set(q, m.i64.div_s(ctx.get64(n), m.i64.extend_s(ctx.get(d)))));
      const fits = m.i64.eq(ctx.get64(q), m.i64.extend_s(m.i32.wrap(ctx.get64(q))));
      calloutWhen(ctx, m.i32.eqz(fits));
      const r = m.i64.rem_s(ctx.get64(n), m.i64.extend_s(ctx.get(d)));
      const rem = ctx.let(m.i32.wrap(r));
      ctx.setReg32(EAX, m.i32.wrap(ctx.get64(q)));
      ctx.setReg32(EDX, ctx.get(rem));
      return true;
    }
    // The quotient fits 32 bits exactly when the high half is below the divisor.
    calloutWhen(ctx, m.i32.ge_u(ctx.get(hi), ctx.get(d)));
    ctx.emit(m.local.set(q, m.i64.div_u(ctx.get64(n), m.i64.extend_u(ctx.get(d)))));
    const rem = ctx.let(m.i32.wrap(m.i64.rem_u(ctx.get64(n), m.i64.extend_u(ctx.get(d)))));
    ctx.setReg32(EAX, m.i32.wrap(ctx.get64(q)));
    ctx.setReg32(EDX, ctx.get(rem));
    return true;
  };
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
  mul: wideMultiply(false),
  imul1: wideMultiply(true),
  div: wideDivide(false),
  idiv: wideDivide(true),
};
