/**
 * Inline near control transfer, mirroring `interp/control.ts`: jmp, jcc, call and ret (near,
 * 32-bit, flat CS), loop and jcxz. Each ends the block: a constant target that starts a block of
 * the same region is an edge inside the function, anything else an exit through the chain
 * helper.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { K_J } from "../../src/cpu/decode/operand.ts";
import { ECX, ESP } from "../../src/cpu/state.ts";
import { branchTarget } from "../plan.ts";
import type { BlockMode, EmitContext, Expr } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";
import { emitPeek, emitPush } from "./stack.ts";

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

/** Leaves on local `taken`: to the relative target if set, else falls through. */
function conditional(ctx: EmitContext, i: Instr, taken: Expr): void {
  const m = ctx.m;
  const c = ctx.let(taken);
  const target = branchTarget(i, ctx.nextEip);
  if (ctx.memberAt(target) >= 0 || ctx.memberAt(ctx.nextEip) >= 0) {
    ctx.emit(m.if(ctx.get(c), ctx.branchTo(target)));
    ctx.emit(ctx.branchTo(ctx.nextEip));
    return;
  }
  // Both ways leave: one exit path with the EIP chosen by a select keeps the code small.
  const eip = m.select(ctx.get(c), ctx.c(target), ctx.c(ctx.nextEip));
  ctx.emit(m.block(null, ctx.exitTo(eip)));
}

/** Emitters of this family. */
export const CONTROL_EMITTERS: EmitterTable = {
  jmp(ctx, i) {
    if (!inlinable(ctx, i)) return false;
    const m = ctx.m;
    if (i.op.operands[0].kind === K_J) {
      ctx.emit(ctx.branchTo(branchTarget(i, ctx.nextEip)));
      return true;
    }
    if (!ctx.operandsInlinable(i)) return false;
    const t = ctx.readOperand(i, 0, 4);
    ctx.emit(m.block(null, ctx.indirectTo(t, ctx.indirectCandidates)));
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
    if (i.op.operands[0].kind === K_J) {
      emitPush(ctx, ctx.let(ctx.c(ctx.nextEip)), 4);
      ctx.emit(ctx.branchTo(branchTarget(i, ctx.nextEip)));
      return true;
    }
    if (!ctx.operandsInlinable(i)) return false;
    const target = ctx.readOperand(i, 0, 4);
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
    ctx.emit(m.block(null, ctx.indirectTo(t, ctx.indirectCandidates)));
    return true;
  },
};
