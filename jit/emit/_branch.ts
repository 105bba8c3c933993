/**
 * Control-flow pieces the inline emitters of this folder share: statements emitted under a run
 * time condition, and the fallback that hands the current instruction to its interpreter
 * handler when a run time check says the inline form does not apply (a fault to raise, a case
 * the fast path does not cover).
 */

import { type EmitContext, type Expr, HOST } from "./context.ts";

/**
 * Runs `build` and returns the statements it emitted instead of leaving them in the block, so
 * they can be placed under a condition. Every register `build` touches must already be in its
 * local (listed in `regs`, loaded here first): a load emitted inside a branch would leave the
 * local unset on the other path.
 */
export function capture(ctx: EmitContext, regs: readonly number[], build: () => void): Expr[] {
  for (const r of regs) ctx.reg32(r);
  const start = ctx.stmts.length;
  build();
  return ctx.stmts.splice(start);
}

/**
 * When `cond` holds at run time, runs the current instruction through its interpreter handler
 * and leaves the block. The handler either raises the fault the inline code detected (state as
 * before the instruction: the pending flags are stored first, registers are written through) or
 * completes the instruction, after which the dispatcher resumes at the EIP it left. The pending
 * record stays pending on the path that goes on inline.
 */
export function calloutWhen(ctx: EmitContext, cond: Expr): void {
  const m = ctx.m;
  const run = m.drop(m.call(HOST.callout, [ctx.site(), ctx.doneBefore()], ctx.b.i32));
  ctx.emit(m.if(cond, m.block(null, [...ctx.spill(), run, m.return(ctx.doneAfter())])));
}
