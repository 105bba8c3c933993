/**
 * Bit test and scan (SDM vol. 2 BT, BTS, BTR, BTC, BSF, BSR; vol. 1 §7.3.7): 0F A3/AB/B3/BB
 * (bt/bts/btr/btc Ev,Gv), 0F BA /4–/7 (the same with Ib) and 0F BC/BD (bsf, bsr).
 *
 * With a memory operand and a register bit offset, the offset is signed and may address any bit
 * near the operand: the access moves by (offset >> 5) * 4 bytes (>> 4, * 2 for 16-bit operands).
 * An immediate offset, or a register operand, takes the offset modulo the operand width.
 * The bit tests set CF to the selected bit and leave ZF unchanged; OF, SF, AF and PF are
 * undefined and left unchanged here. bsf/bsr set ZF when the source is 0 and then leave the
 * destination unchanged; CF, OF, SF, AF and PF are undefined and left unchanged here.
 */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import { K_G } from "../decode/operand.ts";
import { CF, ZF } from "../flags.ts";
import type { HandlerTable } from "./handler.ts";

/** What a bit test does to the selected bit. */
const KEEP = 0, SET = 1, RESET = 2, COMPLEMENT = 3;

function apply(v: number, bit: number, action: number): number {
  const m = 1 << bit;
  return action === SET ? v | m : action === RESET ? v & ~m : v ^ m;
}

/** bt/bts/btr/btc in both forms (Ev,Gv and Ev,Ib). */
function bitTest(action: number) {
  return (cpu: Cpu, i: Instr): void => {
    const size = i.size1;
    const bits = size * 8;
    const fromReg = i.op.operands[1].kind === K_G;
    const offset = fromReg ? cpu.readReg(i.reg, size) : i.imm;
    let v: number, bit: number;
    if (i.mod === 3) {
      bit = offset & (bits - 1);
      v = cpu.readReg(i.rm, size);
      if (action !== KEEP) cpu.writeReg(i.rm, size, apply(v, bit, action));
    } else {
      let addr = cpu.effAddr(i);
      if (fromReg) {
        const signed = size === 4 ? offset | 0 : (offset << 16) >> 16;
        addr += size === 4 ? (signed >> 5) * 4 : (signed >> 4) * 2;
        addr = i.a32 ? addr | 0 : addr & 0xffff;
      }
      bit = offset & (bits - 1);
      v = cpu.readSeg(i.seg, addr, size);
      if (action !== KEEP) cpu.writeSeg(i.seg, addr, size, apply(v, bit, action));
    }
    cpu.setArithBits(CF, ((v >>> bit) & 1) !== 0);
  };
}

/** Handlers of this family. */
export const BIT_HANDLERS: HandlerTable = {
  bt: bitTest(KEEP),
  bts: bitTest(SET),
  btr: bitTest(RESET),
  btc: bitTest(COMPLEMENT),
  bsf(cpu, i) {
    const size = i.size1;
    const v = cpu.readE(i, size);
    if (v === 0) {
      cpu.setArithBits(ZF, true);
      return;
    }
    cpu.writeReg(i.reg, size, 31 - Math.clz32(v & -v));
    cpu.setArithBits(ZF, false);
  },
  bsr(cpu, i) {
    const size = i.size1;
    const v = cpu.readE(i, size);
    if (v === 0) {
      cpu.setArithBits(ZF, true);
      return;
    }
    cpu.writeReg(i.reg, size, 31 - Math.clz32(v));
    cpu.setArithBits(ZF, false);
  },
};
