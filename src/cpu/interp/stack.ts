/**
 * Stack instructions (SDM vol. 1 §6.2–6.5, §7.3.1.5): push and pop of registers, memory,
 * immediates and segment registers, pusha/popa, pushf/popf with their privilege rules, enter
 * (all nesting levels) and leave.
 */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import type { OpInfo } from "../decode/op_info.ts";
import { K_E, K_I, K_SEG, K_Z } from "../decode/operand.ts";
import { GP, raise } from "../fault.ts";
import { IF, IOPL, IOPL_SHIFT, RF, VIF, VIP, VM } from "../flags.ts";
import { loadSegment } from "../segments.ts";
import { EBP, ESP, SS } from "../state.ts";
import type { FactoryTable, Handler, HandlerTable } from "./handler.ts";

/** Operand size of push/pop: 16 or 32 bits by operand size; segment registers likewise. */
function stackSize(i: Instr): number {
  return i.o32 ? 4 : 2;
}

/** Writes a popped value to EFLAGS with the masks of popf/iret at the current privilege. */
export function writeFlagsChecked(cpu: Cpu, v: number, size: number): void {
  const old = cpu.getFlags();
  let changeable = 0x3f7fd5 & ~(VM | RF | VIP | VIF);
  const cpl = cpu.cpl;
  const iopl = (old & IOPL) >>> IOPL_SHIFT;
  if (cpu.protectedMode || cpu.vm86) {
    if (cpl > 0 || cpu.vm86) changeable &= ~IOPL;
    if (cpl > iopl) changeable &= ~IF;
  }
  if (size === 2) changeable &= 0xffff;
  cpu.setFlags((old & ~changeable) | (v & changeable));
}

/** Handlers of this family. */
export const STACK_HANDLERS: HandlerTable = {
  push(cpu, i) {
    const spec = i.op.operands[0];
    const size = stackSize(i);
    let v: number;
    if (spec.kind === K_SEG) v = cpu.segSelector(spec.reg);
    else if (spec.kind === K_I) v = i.imm;
    else if (spec.kind === K_E) v = cpu.readE(i, size);
    else v = cpu.readReg(i.rm, size);
    cpu.push(v, size);
  },
  pop(cpu, i) {
    const spec = i.op.operands[0];
    const size = stackSize(i);
    if (spec.kind === K_SEG) {
      const sel = cpu.peek(0, size) & 0xffff;
      loadSegment(cpu, spec.reg, sel);
      cpu.setSp(cpu.sp + size);
      if (spec.reg === SS) cpu.inhibitInterrupts();
    } else if (spec.kind === K_E) {
      // pop Ev computes the address with ESP already incremented (SDM: POP).
      const v = cpu.peek(0, size);
      const old = cpu.reg32(ESP);
      cpu.setSp(cpu.sp + size);
      try {
        cpu.writeE(i, size, v);
      } catch (e) {
        cpu.setReg32(ESP, old);
        throw e;
      }
    } else {
      const v = cpu.pop(size);
      cpu.writeReg(i.rm, size, v);
    }
  },
  pusha(cpu, i) {
    const size = stackSize(i);
    const sp0 = cpu.readReg(ESP, size);
    const values = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => r === ESP ? sp0 : cpu.readReg(r, size));
    // Check the whole frame first so a fault leaves ESP unchanged.
    const bottom = cpu.stack32 ? (cpu.sp - 8 * size) | 0 : (cpu.sp - 8 * size) & 0xffff;
    cpu.linear(SS, bottom, 8 * size, true);
    for (const v of values) cpu.push(v, size);
  },
  popa(cpu, i) {
    const size = stackSize(i);
    const values: number[] = [];
    for (let n = 0; n < 8; n++) values.push(cpu.peek(n * size, size));
    for (let n = 0; n < 8; n++) if (7 - n !== ESP) cpu.writeReg(7 - n, size, values[n]);
    cpu.setSp(cpu.sp + 8 * size);
  },
  pushf(cpu, i) {
    if (cpu.vm86 && ((cpu.rawFlags & IOPL) >>> IOPL_SHIFT) < 3) raise(GP, 0);
    const size = stackSize(i);
    cpu.push(cpu.getFlags() & ~(VM | RF), size);
  },
  popf(cpu, i) {
    if (cpu.vm86 && ((cpu.rawFlags & IOPL) >>> IOPL_SHIFT) < 3) raise(GP, 0);
    const size = stackSize(i);
    const v = cpu.pop(size);
    writeFlagsChecked(cpu, v, size);
    cpu.requestStop();
  },
  enter(cpu, i) {
    const size = stackSize(i);
    const frameSize = i.imm & 0xffff;
    const level = i.imm2 & 31;
    const ebp = cpu.readReg(EBP, size);
    const oldEsp = cpu.reg32(ESP);
    try {
      cpu.push(ebp, size);
      const frameTemp = cpu.sp;
      if (level > 0) {
        // The frame walk addresses the stack with EBP or BP by the stack size, whatever the
        // operand size (SDM vol. 2, ENTER).
        let bp = cpu.stack32 ? cpu.reg32(EBP) : cpu.reg16(EBP);
        for (let n = 1; n < level; n++) {
          bp = cpu.stack32 ? (bp - size) | 0 : (bp - size) & 0xffff;
          cpu.push(cpu.readSeg(SS, bp, size), size);
        }
        cpu.push(frameTemp, size);
      }
      const sp = cpu.stack32 ? (cpu.sp - frameSize) | 0 : (cpu.sp - frameSize) & 0xffff;
      // The final stack pointer must be writable (SDM: ENTER checks the last push position).
      if (frameSize > 0) cpu.linear(SS, sp, 1, true);
      cpu.writeReg(EBP, size, frameTemp);
      cpu.setSp(sp);
    } catch (e) {
      cpu.setReg32(ESP, oldEsp);
      cpu.writeReg(EBP, size, ebp);
      throw e;
    }
  },
  leave(cpu, i) {
    const size = stackSize(i);
    const bp = cpu.stack32 ? cpu.reg32(EBP) : cpu.reg16(EBP);
    const v = cpu.readSeg(SS, bp, size);
    cpu.setSp(bp + size);
    cpu.writeReg(EBP, size, v);
  },
};

/** push specialised to one row's operand form (register in the opcode, immediate, E operand). */
function pushForm(row: OpInfo): Handler | undefined {
  switch (row.operands[0].kind) {
    case K_Z:
      return (cpu, i) => {
        const size = stackSize(i);
        cpu.push(cpu.readReg(i.rm, size), size);
      };
    case K_I:
      return (cpu, i) => cpu.push(i.imm, stackSize(i));
    case K_E:
      return (cpu, i) => {
        const size = stackSize(i);
        cpu.push(cpu.readE(i, size), size);
      };
  }
  return undefined;
}

/** pop specialised to the register-in-opcode rows (58–5F). */
function popForm(row: OpInfo): Handler | undefined {
  if (row.operands[0].kind !== K_Z) return undefined;
  return (cpu, i) => {
    const size = stackSize(i);
    cpu.writeReg(i.rm, size, cpu.pop(size));
  };
}

/** Handlers specialised per operand form, for the rows of this family that have them. */
export const STACK_FACTORIES: FactoryTable = { push: pushForm, pop: popForm };
