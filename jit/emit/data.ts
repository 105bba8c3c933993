/**
 * Inline data movement, mirroring `interp/data.ts`: mov (register, immediate, memory, moffs),
 * movzx, movsx, lea, xchg, cbw/cwde, cwd/cdq, bswap, setcc, cmovcc and the nop forms.
 */

import { EAX, EDX } from "../../src/cpu/state.ts";
import type { EmitterTable } from "./emitter.ts";

/** Emitters of this family. */
export const DATA_EMITTERS: EmitterTable = {
  mov(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const v = ctx.readOperand(i, 1, i.size1);
    ctx.writeOperand(i, 0, i.size1, v);
    return true;
  },
  movzx(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const v = ctx.readOperand(i, 1, i.size2);
    ctx.writeReg(i.reg, i.size1, ctx.get(v));
    return true;
  },
  movsx(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const v = ctx.readOperand(i, 1, i.size2);
    ctx.writeReg(i.reg, i.size1, ctx.signExtend(ctx.get(v), i.size2));
    return true;
  },
  lea(ctx, i) {
    if (!i.a32) return false;
    ctx.writeReg(i.reg, i.size1, ctx.effAddr(i));
    return true;
  },
  xchg(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const size = i.size1;
    const a = ctx.readOperand(i, 0, size);
    const b = ctx.readOperand(i, 1, size);
    ctx.writeOperand(i, 0, size, b);
    ctx.writeOperand(i, 1, size, a);
    return true;
  },
  cbw(ctx, i) {
    if (i.o32) ctx.setReg32(EAX, ctx.signExtend(ctx.readReg(EAX, 2), 2));
    else ctx.writeReg(EAX, 2, ctx.signExtend(ctx.readReg(EAX, 1), 1));
    return true;
  },
  cwd(ctx, i) {
    const m = ctx.m;
    if (i.o32) ctx.setReg32(EDX, m.i32.shr_s(ctx.reg32(EAX), ctx.c(31)));
    else ctx.writeReg(EDX, 2, m.i32.shr_s(m.i32.shl(ctx.reg32(EAX), ctx.c(16)), ctx.c(31)));
    return true;
  },
  bswap(ctx, i) {
    const m = ctx.m;
    const v = ctx.let(ctx.reg32(i.rm));
    const odd = m.i32.and(m.i32.rotl(ctx.get(v), ctx.c(8)), ctx.c(0x00ff00ff));
    const even = m.i32.and(m.i32.rotr(ctx.get(v), ctx.c(8)), ctx.c(0xff00ff00));
    ctx.setReg32(i.rm, m.i32.or(odd, even));
    return true;
  },
  setcc(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const v = ctx.let(ctx.condition(i.opcode & 15));
    ctx.writeOperand(i, 0, 1, v);
    return true;
  },
  cmovcc(ctx, i) {
    if (!ctx.operandsInlinable(i)) return false;
    const size = i.size1;
    const v = ctx.readOperand(i, 1, size); // read (and possibly fault) whatever the condition
    const c = ctx.let(ctx.condition(i.opcode & 15));
    const old = ctx.let(ctx.readReg(i.reg, size));
    ctx.writeReg(i.reg, size, ctx.m.select(ctx.get(c), ctx.get(v), ctx.get(old)));
    return true;
  },
  nop() {
    return true;
  },
};
