/**
 * Inline string instructions without a REP prefix, mirroring `interp/string.ts`: movs, stos and
 * lods with 32-bit addressing and unchecked segments. The accesses come first and the pointer
 * registers change only after them, so a fault leaves the state as before the instruction; the
 * step is ±size by EFLAGS.DF, read at run time. REP forms and cmps/scas stay callouts.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { REP_NONE } from "../../src/cpu/decode/instr.ts";
import { DF } from "../../src/cpu/flags.ts";
import { EAX, EDI, ES, ESI, OFF_EFLAGS } from "../../src/cpu/state.ts";
import type { EmitContext } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

function inlinable(ctx: EmitContext, i: Instr, usesSi: boolean, usesDi: boolean): boolean {
  if (i.rep !== REP_NONE || !i.a32) return false;
  const checked = ctx.mode.checkedSegs;
  if (usesSi && (checked & (1 << i.seg)) !== 0) return false;
  return !usesDi || (checked & (1 << ES)) === 0;
}

/** Local holding +size or -size by EFLAGS.DF. */
function step(ctx: EmitContext, size: number): number {
  const m = ctx.m;
  const down = m.i32.and(ctx.loadState(OFF_EFLAGS), ctx.c(DF));
  return ctx.let(m.select(down, ctx.c(-size), ctx.c(size)));
}

function sizeOf(i: Instr): number {
  return i.size1 === 0 ? 1 : i.size1;
}

/** Emitters of this family. */
export const STRING_EMITTERS: EmitterTable = {
  movs(ctx, i) {
    if (!inlinable(ctx, i, true, true)) return false;
    const size = sizeOf(i);
    const m = ctx.m;
    const v = ctx.load(ctx.let(ctx.linear(i.seg, ctx.reg32(ESI))), size);
    ctx.store(ctx.let(ctx.linear(ES, ctx.reg32(EDI))), size, v);
    const d = step(ctx, size);
    ctx.setReg32(ESI, m.i32.add(ctx.reg32(ESI), ctx.get(d)));
    ctx.setReg32(EDI, m.i32.add(ctx.reg32(EDI), ctx.get(d)));
    return true;
  },
  stos(ctx, i) {
    if (!inlinable(ctx, i, false, true)) return false;
    const size = sizeOf(i);
    const v = ctx.let(ctx.readReg(EAX, size));
    ctx.store(ctx.let(ctx.linear(ES, ctx.reg32(EDI))), size, v);
    const d = step(ctx, size);
    ctx.setReg32(EDI, ctx.m.i32.add(ctx.reg32(EDI), ctx.get(d)));
    return true;
  },
  lods(ctx, i) {
    if (!inlinable(ctx, i, true, false)) return false;
    const size = sizeOf(i);
    const v = ctx.load(ctx.let(ctx.linear(i.seg, ctx.reg32(ESI))), size);
    const d = step(ctx, size);
    ctx.writeReg(EAX, size, ctx.get(v));
    ctx.setReg32(ESI, ctx.m.i32.add(ctx.reg32(ESI), ctx.get(d)));
    return true;
  },
};
