/**
 * Data movement (SDM vol. 1 §7.3.1): mov (incl. moffs), movzx, movsx, lea, xchg, cbw/cwde,
 * cwd/cdq, lahf, sahf, xlat, bswap, cmovcc, setcc, salc and the nop forms.
 */

import { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import { AF, ARITH_FLAGS, CF, OF, PF, SF, ZF } from "../flags.ts";
import { EAX, EBX, EDX } from "../state.ts";
import type { OpInfo } from "../decode/op_info.ts";
import { K_E, K_G, K_I, K_O, K_REG, K_Z } from "../decode/operand.ts";
import type { FactoryTable, Handler, HandlerTable } from "./handler.ts";
import { immediate, readOperand, writeOperand } from "./operands.ts";

/** Flags that lahf/sahf move between AH and EFLAGS. */
const AH_FLAGS = SF | ZF | AF | PF | CF;

/** Handlers of this family. */
export const DATA_HANDLERS: HandlerTable = {
  mov(cpu, i) {
    writeOperand(cpu, i, 0, i.size1, readOperand(cpu, i, 1, i.size1));
  },
  movzx(cpu, i) {
    cpu.writeReg(i.reg, i.size1, cpu.readE(i, i.size2));
  },
  movsx(cpu, i) {
    cpu.writeReg(i.reg, i.size1, Cpu.signExtend(cpu.readE(i, i.size2), i.size2));
  },
  lea(cpu, i) {
    cpu.writeReg(i.reg, i.size1, cpu.effAddr(i));
  },
  xchg(cpu, i) {
    const size = i.size1;
    const a = readOperand(cpu, i, 0, size);
    const b = readOperand(cpu, i, 1, size);
    writeOperand(cpu, i, 0, size, b);
    writeOperand(cpu, i, 1, size, a);
  },
  cbw(cpu, i) {
    if (i.o32) cpu.setReg32(EAX, (cpu.reg16(EAX) << 16) >> 16);
    else cpu.setReg16(EAX, (cpu.reg8(EAX) << 24) >> 24);
  },
  cwd(cpu, i) {
    if (i.o32) cpu.setReg32(EDX, cpu.reg32(EAX) >> 31);
    else cpu.setReg16(EDX, (cpu.reg16(EAX) << 16) >> 31);
  },
  lahf(cpu) {
    cpu.setReg8(4, (cpu.getFlags() & (AH_FLAGS | 2)) | 2);
  },
  sahf(cpu) {
    const f = cpu.getFlags();
    cpu.setFlags((f & ~AH_FLAGS) | (cpu.reg8(4) & AH_FLAGS));
  },
  xlat(cpu, i) {
    const off = i.a32
      ? (cpu.reg32(EBX) + cpu.reg8(EAX)) | 0
      : (cpu.reg16(EBX) + cpu.reg8(EAX)) & 0xffff;
    cpu.setReg8(EAX, cpu.readSeg(i.seg, off, 1));
  },
  bswap(cpu, i) {
    const v = cpu.reg32(i.rm);
    cpu.setReg32(i.rm, (v >>> 24) | ((v >>> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24));
  },
  cmovcc(cpu, i) {
    // The source is read (and may fault) whether or not the condition holds.
    const v = cpu.readE(i, i.size1);
    if (cpu.condition(i.opcode & 15)) cpu.writeReg(i.reg, i.size1, v);
  },
  setcc(cpu, i) {
    cpu.writeE(i, 1, cpu.condition(i.opcode & 15) ? 1 : 0);
  },
  salc(cpu) {
    cpu.setReg8(EAX, cpu.cf() ? 0xff : 0);
  },
  nop() {},
};

/**
 * mov specialised to one row's operand form. The register in the opcode (Zb, Zv) and a moffs
 * (Ob, Ov) are E operands to `readE`/`writeE`: the decoder gives them mod 3 and mod 0.
 */
function movForm(row: OpInfo): Handler | undefined {
  const [dst, src] = row.operands;
  const dstE = dst.kind === K_E || dst.kind === K_Z || dst.kind === K_O;
  if (dstE && src.kind === K_G) {
    return (cpu, i) => cpu.writeE(i, i.size1, cpu.readReg(i.reg, i.size1));
  }
  if (dstE && src.kind === K_I) return (cpu, i) => cpu.writeE(i, i.size1, immediate(i, i.size1));
  if (dstE && src.kind === K_REG) {
    const reg = src.reg;
    return (cpu, i) => cpu.writeE(i, i.size1, cpu.readReg(reg, i.size1));
  }
  const srcE = src.kind === K_E || src.kind === K_O;
  if (dst.kind === K_G && srcE) {
    return (cpu, i) => cpu.writeReg(i.reg, i.size1, cpu.readE(i, i.size1));
  }
  if (dst.kind === K_REG && srcE) {
    const reg = dst.reg;
    return (cpu, i) => cpu.writeReg(reg, i.size1, cpu.readE(i, i.size1));
  }
  return undefined;
}

/** Handlers specialised per operand form, for the rows of this family that have them. */
export const DATA_FACTORIES: FactoryTable = { mov: movForm };

/** Flags that arithmetic instructions define, re-exported for tests. */
export const DEFINED_ARITH_FLAGS = ARITH_FLAGS | OF;

/** Reads a 16-bit ModRM operand for instructions that always take a word (type helper). */
export function readWordE(cpu: Cpu, i: Instr): number {
  return cpu.readE(i, 2);
}
