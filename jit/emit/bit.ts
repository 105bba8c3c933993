/**
 * Inline bit tests and scans, mirroring `interp/bit.ts` (SDM vol. 2 BT, BTS, BTR, BTC, BSF,
 * BSR): 0F A3/AB/B3/BB and 0F BA /4–/7 with register or memory operands (a register bit offset
 * into memory addresses the bit string around the operand), and 0F BC/BD. Each replaces one
 * arithmetic flag (CF for the tests, ZF for the scans) in the materialised EFLAGS and leaves the
 * others as they were, as the interpreter does.
 */

import type { Instr } from "../../src/cpu/decode/instr.ts";
import { K_G } from "../../src/cpu/decode/operand.ts";
import { CF, ZF } from "../../src/cpu/flags.ts";
import { materialiseFlags, storeFlags } from "./_flags.ts";
import type { EmitContext, Expr } from "./context.ts";
import type { EmitterTable } from "./emitter.ts";

/** What a bit test does to the selected bit. */
const KEEP = 0, SET = 1, RESET = 2, COMPLEMENT = 3;

function apply(ctx: EmitContext, v: Expr, bit: number, action: number): Expr {
  const m = ctx.m;
  const mask = m.i32.shl(ctx.c(1), ctx.get(bit));
  if (action === SET) return m.i32.or(v, mask);
  if (action === RESET) return m.i32.and(v, m.i32.xor(mask, ctx.c(-1)));
  return m.i32.xor(v, mask);
}

/** Replaces the flag `flag` (one bit) in EFLAGS with the 0/1 value `on`. */
function replaceFlag(ctx: EmitContext, flag: number, on: Expr): void {
  const m = ctx.m;
  const f = materialiseFlags(ctx);
  const kept = m.i32.and(ctx.get(f), ctx.c(~flag));
  storeFlags(ctx, m.i32.or(kept, m.i32.shl(on, ctx.c(Math.log2(flag)))));
}

function bitTest(action: number) {
  return (ctx: EmitContext, i: Instr): boolean => {
    if (!ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const size = i.size1;
    const bits = size * 8;
    const fromReg = i.op.operands[1].kind === K_G;
    const offset = ctx.let(fromReg ? ctx.readReg(i.reg, size) : ctx.c(i.imm));
    const bit = ctx.let(m.i32.and(ctx.get(offset), ctx.c(bits - 1)));
    let v: number;
    if (i.mod === 3) {
      v = ctx.let(ctx.readReg(i.rm, size));
      if (action !== KEEP) ctx.writeReg(i.rm, size, apply(ctx, ctx.get(v), bit, action));
    } else {
      let addr = ctx.effAddr(i);
      if (fromReg) {
        // The signed offset picks the dword (word) holding the bit, below or above the operand.
        const signed = ctx.signExtend(ctx.get(offset), size);
        const unit = m.i32.shr_s(signed, ctx.c(size === 4 ? 5 : 4));
        addr = m.i32.add(addr, m.i32.shl(unit, ctx.c(size === 4 ? 2 : 1)));
      }
      const lin = ctx.let(ctx.linear(i.seg, addr));
      v = ctx.load(lin, size);
      if (action !== KEEP) ctx.store(lin, size, ctx.let(apply(ctx, ctx.get(v), bit, action)));
    }
    replaceFlag(ctx, CF, m.i32.and(m.i32.shr_u(ctx.get(v), ctx.get(bit)), ctx.c(1)));
    return true;
  };
}

/** bsf/bsr: the index of the lowest (highest) set bit; ZF and an unchanged destination for 0. */
function bitScan(forward: boolean) {
  return (ctx: EmitContext, i: Instr): boolean => {
    if (i.size1 === 1 || !ctx.operandsInlinable(i)) return false;
    const m = ctx.m;
    const size = i.size1;
    const v = ctx.readOperand(i, 1, size);
    const zero = ctx.let(m.i32.eqz(ctx.get(v)));
    const index = forward ? m.i32.ctz(ctx.get(v)) : m.i32.sub(ctx.c(31), m.i32.clz(ctx.get(v)));
    ctx.writeReg(i.reg, size, m.select(ctx.get(zero), ctx.readReg(i.reg, size), index));
    replaceFlag(ctx, ZF, ctx.get(zero));
    return true;
  };
}

/** Emitters of this family. */
export const BIT_EMITTERS: EmitterTable = {
  bt: bitTest(KEEP),
  bts: bitTest(SET),
  btr: bitTest(RESET),
  btc: bitTest(COMPLEMENT),
  bsf: bitScan(true),
  bsr: bitScan(false),
};
