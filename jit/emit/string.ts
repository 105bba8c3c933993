/**
 * Inline string instructions, mirroring `interp/string.ts` (SDM vol. 2 MOVS, STOS, LODS, REP):
 * movs, stos and lods with 32-bit addressing and unchecked segments. The accesses come first and
 * the pointer registers change only after them, so a fault leaves the state as before the
 * instruction; the step is ±size by EFLAGS.DF, which the function keeps in a local
 * (`EmitContext.trackDirection`).
 *
 * `rep movs` and `rep stos` have a fast path for the common case, checked at run time: DF clear,
 * at most REP_CHUNK iterations (what the interpreter does in one execution), source and
 * destination each within one page the TLB maps for a plain access, and for movs no overlap in
 * which a forward copy differs from memmove. It is one bulk-memory copy or fill. Any other case
 * runs the handler, which also raises faults precisely. cmps/scas stay callouts.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { REP_NONE } from "../../src/cpu/decode/instr.ts";
import { REP_CHUNK } from "../../src/cpu/interp/string.ts";
import { EAX, ECX, EDI, ES, ESI, OFF_TLB } from "../../src/cpu/state.ts";
import { TLB_CODE, TLB_MMIO, TLB_USER, TLB_VALID, TLB_WRITE } from "../../src/cpu/tlb.ts";
import { calloutWhen, capture } from "./_branch.ts";
import type { EmitContext, Expr } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

/** Numbers the wasm loops of `rep stos` so their labels are unique within a module. */
let loopSeq = 0;

function segmentsUnchecked(ctx: EmitContext, i: Instr, usesSi: boolean, usesDi: boolean) {
  const checked = ctx.mode.checkedSegs;
  if (usesSi && (checked & (1 << i.seg)) !== 0) return false;
  return !usesDi || (checked & (1 << ES)) === 0;
}

/**
 * Local holding the host address of `len` bytes at linear address `lin` when they lie in one
 * page the TLB maps for this access (reads: not MMIO; writes: also writable, no code), else 0.
 */
function hostRange(ctx: EmitContext, lin: number, len: number, write: boolean): number {
  const m = ctx.m;
  const c = (v: number) => ctx.c(v);
  const e = ctx.let(
    m.i32.load(OFF_TLB, 4, m.i32.shl(m.i32.shr_u(ctx.get(lin), c(12)), c(2))),
  );
  const u = ctx.mode.user ? TLB_USER : 0;
  const mask = write ? TLB_VALID | TLB_WRITE | TLB_MMIO | TLB_CODE | u : TLB_VALID | TLB_MMIO | u;
  const want = write ? TLB_VALID | TLB_WRITE | u : TLB_VALID | u;
  const mapped = m.i32.eq(m.i32.and(ctx.get(e), c(mask)), c(want));
  const end = m.i32.add(m.i32.and(ctx.get(lin), c(0xfff)), ctx.get(len));
  const fits = m.i32.le_u(end, c(0x1000));
  const host = m.i32.xor(m.i32.and(ctx.get(e), c(~0xfff)), ctx.get(lin));
  return ctx.let(m.select(m.i32.and(mapped, fits), host, c(0)));
}

/**
 * The REP fast path: `body` gets locals with the byte length and the destination's host
 * address (and the source's for movs) once the run time checks passed.
 */
function repeat(
  ctx: EmitContext,
  i: Instr,
  usesSi: boolean,
  body: (len: number, dst: number, src: number) => Expr,
): void {
  const m = ctx.m;
  const c = (v: number) => ctx.c(v);
  const size = sizeOf(i);
  const count = ctx.let(ctx.reg32(ECX));
  const stmts = capture(ctx, [ESI, EDI, ECX, EAX], () => {
    const len = ctx.let(m.i32.shl(ctx.get(count), c(Math.log2(size))));
    const dst = hostRange(ctx, ctx.let(ctx.linear(ES, ctx.reg32(EDI))), len, true);
    const src = usesSi
      ? hostRange(ctx, ctx.let(ctx.linear(i.seg, ctx.reg32(ESI))), len, false)
      : -1;
    const down = m.i32.lt_s(ctx.get(ctx.direction), c(0));
    let slow = m.i32.or(
      m.i32.or(down, m.i32.gt_u(ctx.get(count), c(REP_CHUNK))),
      m.i32.eqz(ctx.get(dst)),
    );
    if (usesSi) {
      // A forward copy repeats the pattern when the destination starts inside the source.
      const inside = m.i32.and(
        m.i32.gt_u(ctx.get(dst), ctx.get(src)),
        m.i32.lt_u(ctx.get(dst), m.i32.add(ctx.get(src), ctx.get(len))),
      );
      slow = m.i32.or(m.i32.or(slow, m.i32.eqz(ctx.get(src))), inside);
    }
    calloutWhen(ctx, slow);
    ctx.emit(body(len, dst, src));
    if (usesSi) ctx.setReg32(ESI, m.i32.add(ctx.reg32(ESI), ctx.get(len)));
    ctx.setReg32(EDI, m.i32.add(ctx.reg32(EDI), ctx.get(len)));
    ctx.setReg32(ECX, c(0));
  });
  ctx.emit(m.if(ctx.get(count), m.block(null, stmts)));
}

function inlinable(ctx: EmitContext, i: Instr, usesSi: boolean, usesDi: boolean): boolean {
  if (i.rep !== REP_NONE || !i.a32) return false;
  const checked = ctx.mode.checkedSegs;
  if (usesSi && (checked & (1 << i.seg)) !== 0) return false;
  return !usesDi || (checked & (1 << ES)) === 0;
}

/** +size or -size by EFLAGS.DF. */
function step(ctx: EmitContext, size: number): Expr {
  const d = ctx.get(ctx.direction);
  return size === 1 ? d : ctx.m.i32.shl(d, ctx.c(Math.log2(size)));
}

/** Mnemonics whose inline forms step by EFLAGS.DF: a function holding one tracks it. */
export const DIRECTION_OPS: ReadonlySet<string> = new Set(["movs", "stos", "lods"]);

function sizeOf(i: Instr): number {
  return i.size1 === 0 ? 1 : i.size1;
}

/** Emitters of this family. */
export const STRING_EMITTERS: EmitterTable = {
  movs(ctx, i) {
    if (i.rep !== REP_NONE && i.a32 && segmentsUnchecked(ctx, i, true, true)) {
      repeat(ctx, i, true, (len, dst, src) => {
        const g = (l: number) => ctx.get(l);
        return ctx.m.memory.copy(g(dst), g(src), g(len));
      });
      return true;
    }
    if (!inlinable(ctx, i, true, true)) return false;
    const size = sizeOf(i);
    const m = ctx.m;
    const v = ctx.load(ctx.let(ctx.linear(i.seg, ctx.reg32(ESI))), size);
    ctx.store(ctx.let(ctx.linear(ES, ctx.reg32(EDI))), size, v);
    const d = ctx.let(step(ctx, size));
    ctx.setReg32(ESI, m.i32.add(ctx.reg32(ESI), ctx.get(d)));
    ctx.setReg32(EDI, m.i32.add(ctx.reg32(EDI), ctx.get(d)));
    return true;
  },
  stos(ctx, i) {
    if (i.rep !== REP_NONE && i.a32 && segmentsUnchecked(ctx, i, false, true)) {
      const size = sizeOf(i);
      repeat(ctx, i, false, (len, dst) => {
        const m = ctx.m;
        if (size === 1) return m.memory.fill(ctx.get(dst), ctx.readReg(EAX, 1), ctx.get(len));
        const p = ctx.tmp();
        const end = m.i32.add(ctx.get(dst), ctx.get(len));
        const label = `stos${loopSeq++}`;
        const v = ctx.readReg(EAX, size);
        const put = size === 4
          ? m.i32.store(0, 1, ctx.get(p), v)
          : m.i32.store16(0, 1, ctx.get(p), v);
        return m.block(null, [
          m.local.set(p, ctx.get(dst)),
          m.loop(
            label,
            m.block(null, [
              put,
              m.local.set(p, m.i32.add(ctx.get(p), ctx.c(size))),
              m.br(label, m.i32.lt_u(ctx.get(p), end)),
            ]),
          ),
        ]);
      });
      return true;
    }
    if (!inlinable(ctx, i, false, true)) return false;
    const size = sizeOf(i);
    const v = ctx.let(ctx.readReg(EAX, size));
    ctx.store(ctx.let(ctx.linear(ES, ctx.reg32(EDI))), size, v);
    ctx.setReg32(EDI, ctx.m.i32.add(ctx.reg32(EDI), step(ctx, size)));
    return true;
  },
  lods(ctx, i) {
    if (!inlinable(ctx, i, true, false)) return false;
    const size = sizeOf(i);
    const v = ctx.load(ctx.let(ctx.linear(i.seg, ctx.reg32(ESI))), size);
    ctx.writeReg(EAX, size, ctx.get(v));
    ctx.setReg32(ESI, ctx.m.i32.add(ctx.reg32(ESI), step(ctx, size)));
    return true;
  },
};
