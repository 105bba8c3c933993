/**
 * Inline exchange-and-operate instructions, mirroring `interp/exchange.ts` (SDM vol. 2 XADD,
 * CMPXCHG): 0F C0/C1 (xadd) and 0F B0/B1 (cmpxchg). One CPU runs at a time, so LOCK needs no
 * extra work; a memory destination is always written (with its old value when the compare
 * fails), before any register changes. cmpxchg8b stays a callout.
 */

import { LAZY_ADD, LAZY_SUB } from "../../src/cpu/flags.ts";
import { EAX } from "../../src/cpu/state.ts";
import { sizeMaskOf } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

/** Emitters of this family. */
export const EXCHANGE_EMITTERS: EmitterTable = {
  xadd(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const size = i.size1;
    const dest = ctx.readOperand(i, 0, size, true);
    const src = ctx.let(ctx.readReg(i.reg, size));
    const sum = ctx.let(m.i32.and(m.i32.add(ctx.get(dest), ctx.get(src)), ctx.c(sizeMaskOf(size))));
    if (i.mod === 3) {
      // SRC ← DEST, then DEST ← sum (so `xadd eax, eax` leaves the sum).
      ctx.writeReg(i.reg, size, ctx.get(dest));
      ctx.writeReg(i.rm, size, ctx.get(sum));
    } else {
      ctx.writeOperand(i, 0, size, sum);
      ctx.writeReg(i.reg, size, ctx.get(dest));
    }
    ctx.setFlags(LAZY_ADD, size, dest, src, sum);
    return true;
  },
  cmpxchg(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const size = i.size1;
    const dest = ctx.readOperand(i, 0, size, true);
    const acc = ctx.let(ctx.readReg(EAX, size));
    const src = ctx.let(ctx.readReg(i.reg, size));
    const diff = ctx.let(
      m.i32.and(m.i32.sub(ctx.get(acc), ctx.get(dest)), ctx.c(sizeMaskOf(size))),
    );
    const equal = ctx.let(m.i32.eqz(ctx.get(diff)));
    if (i.mod === 3) {
      const kept = ctx.readReg(i.rm, size);
      ctx.writeReg(i.rm, size, m.select(ctx.get(equal), ctx.get(src), kept));
    } else {
      ctx.writeOperand(i, 0, size, ctx.let(m.select(ctx.get(equal), ctx.get(src), ctx.get(dest))));
    }
    const accNow = ctx.readReg(EAX, size);
    ctx.writeReg(EAX, size, m.select(ctx.get(equal), accNow, ctx.get(dest)));
    ctx.setFlags(LAZY_SUB, size, acc, dest, diff);
    return true;
  },
};
