/**
 * Inline stack operations, mirroring `interp/stack.ts` (SDM vol. 2 PUSH, POP, ENTER, LEAVE):
 * push of registers, immediates and memory, pop into registers, leave, and enter with nesting
 * level 0, with a flat 32-bit stack. Segment pushes and pops, pusha, popa, pushf, popf and
 * nested enter stay callouts.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { K_E, K_I, K_Z } from "../../src/cpu/decode/operand.ts";
import { EBP, ESP, SS } from "../../src/cpu/state.ts";
import type { EmitContext } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

/** Pushes local `v` (`size` bytes): the write happens before ESP changes, so a fault is precise. */
export function emitPush(ctx: EmitContext, v: number, size: number): void {
  const sp = ctx.let(ctx.m.i32.sub(ctx.reg32(ESP), ctx.c(size)));
  const lin = ctx.let(ctx.linear(SS, ctx.get(sp)));
  ctx.store(lin, size, v);
  ctx.setReg32(ESP, ctx.get(sp));
}

/** Reads `size` bytes at ESP + `offset` into a local, without changing ESP. */
export function emitPeek(ctx: EmitContext, size: number, offset = 0): number {
  const sp = offset === 0 ? ctx.reg32(ESP) : ctx.m.i32.add(ctx.reg32(ESP), ctx.c(offset));
  const lin = ctx.let(ctx.linear(SS, sp));
  return ctx.load(lin, size);
}

function pushable(ctx: EmitContext, i: Instr): boolean {
  const kind = i.op.operands[0].kind;
  if (kind === K_E) return i.mod === 3 || ctx.memInlinable(i);
  return kind === K_I || kind === K_Z;
}

/** Emitters of this family. */
export const STACK_EMITTERS: EmitterTable = {
  push(ctx, i) {
    if (!ctx.stackInlinable() || !pushable(ctx, i)) return false;
    const size = i.o32 ? 4 : 2;
    const kind = i.op.operands[0].kind;
    const v = kind === K_I ? ctx.let(ctx.c(i.imm)) : ctx.readOperand(i, 0, size);
    emitPush(ctx, v, size);
    return true;
  },
  pop(ctx, i) {
    if (!ctx.stackInlinable() || i.op.operands[0].kind !== K_Z) return false;
    const size = i.o32 ? 4 : 2;
    const v = emitPeek(ctx, size);
    ctx.setReg32(ESP, ctx.m.i32.add(ctx.reg32(ESP), ctx.c(size)));
    ctx.writeReg(i.rm, size, ctx.get(v));
    return true;
  },
  leave(ctx, i) {
    if (!ctx.stackInlinable()) return false;
    const size = i.o32 ? 4 : 2;
    const bp = ctx.let(ctx.reg32(EBP));
    const v = ctx.load(ctx.let(ctx.linear(SS, ctx.get(bp))), size);
    ctx.setReg32(ESP, ctx.m.i32.add(ctx.get(bp), ctx.c(size)));
    ctx.writeReg(EBP, size, ctx.get(v));
    return true;
  },
  enter(ctx, i) {
    if (!ctx.stackInlinable() || (i.imm2 & 31) !== 0) return false;
    const size = i.o32 ? 4 : 2;
    // The push is the only access: with a flat SS the final ESP needs no segment check.
    const old = ctx.let(ctx.readReg(EBP, size));
    emitPush(ctx, old, size);
    const frame = ctx.let(ctx.reg32(ESP));
    ctx.writeReg(EBP, size, ctx.get(frame));
    ctx.setReg32(ESP, ctx.m.i32.sub(ctx.get(frame), ctx.c(i.imm & 0xffff)));
    return true;
  },
};
