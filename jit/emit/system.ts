/**
 * Inline system instructions, mirroring `interp/system.ts`: invlpg, frequent in kernels that
 * remap pages, as a store clearing the TLB entry instead of a callout.
 */

import { OFF_CPL, OFF_TLB } from "../../src/cpu/state.ts";
import { calloutWhen } from "./_branch.ts";
import type { EmitterTable } from "./emitter.ts";

/** Emitters of this family. */
export const SYSTEM_EMITTERS: EmitterTable = {
  invlpg(ctx, i) {
    // 32-bit code is never vm86, and CPL 3 always faults: the handler raises it.
    if (!ctx.mode.code32 || ctx.mode.user || i.mod === 3 || !i.a32) return false;
    const m = ctx.m;
    // CPL 1 and 2 share the mode key with CPL 0; the handler raises #GP for them.
    calloutWhen(ctx, m.i32.ne(ctx.loadState(OFF_CPL), ctx.c(0)));
    const lin = ctx.let(ctx.linear(i.seg, ctx.effAddr(i)));
    const slot = m.i32.shl(m.i32.shr_u(ctx.get(lin), ctx.c(12)), ctx.c(2));
    ctx.emit(m.i32.store(OFF_TLB, 4, slot, ctx.c(0)));
    // It ends the block: the next fetch may use the entry just cleared, so leave through the
    // chain helper (its TLB check sends a missing entry to the dispatcher) rather than an edge.
    ctx.emit(m.block(null, ctx.exitTo(ctx.c(ctx.nextEip))));
    return true;
  },
};
