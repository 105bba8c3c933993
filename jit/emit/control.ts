/**
 * Inline near control transfer, mirroring `interp/control.ts`: jmp, jcc, call and ret (near,
 * 32-bit, flat CS), loop and jcxz. Each ends the block by storing EIP and returning, except a
 * branch back to the block's own entry, which becomes the back-edge of a wasm loop.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { K_J } from "../../src/cpu/decode/operand.ts";
import { ECX, ESP } from "../../src/cpu/state.ts";
import { branchTarget } from "../plan.ts";
import type { BlockMode, EmitContext, Expr } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";
import { emitPeek, emitPush } from "./stack.ts";

/** Label of the loop header in self-looping blocks. */
export const LOOP_LABEL = "top";

/**
 * Whether a near branch can be translated inline: 32-bit code and operand size, and a 4 GiB CS
 * limit (so the target needs no limit check).
 */
export function nearBranchInlinable(mode: BlockMode, i: Instr): boolean {
  return mode.code32 && mode.csFlat && i.o32;
}

function inlinable(ctx: EmitContext, i: Instr): boolean {
  return nearBranchInlinable(ctx.mode, i);
}

/** Leaves (or loops) on local `taken`: to the relative target if set, else falls through. */
function conditional(ctx: EmitContext, i: Instr, taken: Expr): void {
  const m = ctx.m;
  const c = ctx.let(taken);
  ctx.flushFlags();
  const target = branchTarget(i, ctx.nextEip);
  if (ctx.loop && target === ctx.plan.entryEip) {
    ctx.emit(m.if(ctx.get(c), ctx.backEdge(LOOP_LABEL)));
    ctx.emit(m.block(null, ctx.exitTo(ctx.c(ctx.nextEip))));
    return;
  }
  const eip = m.select(ctx.get(c), ctx.c(target), ctx.c(ctx.nextEip));
  ctx.emit(m.block(null, ctx.exitTo(eip)));
}

/** Emitters of this family. */
export const CONTROL_EMITTERS: EmitterTable = {
  jmp(ctx, i) {
    if (!inlinable(ctx, i)) return false;
    const m = ctx.m;
    if (i.op.operands[0].kind === K_J) {
      const target = branchTarget(i, ctx.nextEip);
      if (ctx.loop && target === ctx.plan.entryEip) {
        ctx.flushFlags();
        ctx.emit(ctx.backEdge(LOOP_LABEL));
      } else ctx.emit(m.block(null, ctx.exitTo(ctx.c(target))));
      return true;
    }
    if (!ctx.operandsInlinable(i)) return false;
    const t = ctx.readOperand(i, 0, 4);
    ctx.emit(m.block(null, ctx.exitTo(ctx.get(t))));
    return true;
  },
  jcc(ctx, i) {
    if (!inlinable(ctx, i)) return false;
    conditional(ctx, i, ctx.condition(i.opcode & 15));
    return true;
  },
  loop(ctx, i) {
    if (!inlinable(ctx, i) || !i.a32) return false;
    const m = ctx.m;
    const c = ctx.let(m.i32.sub(ctx.reg32(ECX), ctx.c(1)));
    ctx.setReg32(ECX, ctx.get(c));
    conditional(ctx, i, m.i32.ne(ctx.get(c), ctx.c(0)));
    return true;
  },
  jcxz(ctx, i) {
    if (!inlinable(ctx, i) || !i.a32) return false;
    conditional(ctx, i, ctx.m.i32.eqz(ctx.reg32(ECX)));
    return true;
  },
  call(ctx, i) {
    if (!inlinable(ctx, i) || !ctx.stackInlinable()) return false;
    const m = ctx.m;
    let target: number;
    if (i.op.operands[0].kind === K_J) target = ctx.let(ctx.c(branchTarget(i, ctx.nextEip)));
    else {
      if (!ctx.operandsInlinable(i)) return false;
      target = ctx.readOperand(i, 0, 4);
    }
    emitPush(ctx, ctx.let(ctx.c(ctx.nextEip)), 4);
    ctx.emit(m.block(null, ctx.exitTo(ctx.get(target))));
    return true;
  },
  ret(ctx, i) {
    if (!inlinable(ctx, i) || !ctx.stackInlinable()) return false;
    const m = ctx.m;
    const t = emitPeek(ctx, 4);
    const pop = 4 + (i.op.operands.length > 0 ? i.imm & 0xffff : 0);
    ctx.setReg32(ESP, m.i32.add(ctx.reg32(ESP), ctx.c(pop)));
    ctx.emit(m.block(null, ctx.exitTo(ctx.get(t))));
    return true;
  },
};
