/**
 * Control transfer (SDM vol. 1 §6.3–6.4, §7.3.8): jmp, jcc, call, ret (near), loop/loope/
 * loopne, jcxz/jecxz, and the flag-bit instructions clc, stc, cmc, cld, std. Far transfers,
 * interrupts and iret live in `far.ts`.
 */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import { K_J } from "../decode/operand.ts";
import { GP, raise } from "../fault.ts";
import { CF, DF } from "../flags.ts";
import { CS, ECX } from "../state.ts";
import type { OpInfo } from "../decode/op_info.ts";
import type { FactoryTable, Handler, HandlerTable } from "./handler.ts";

/** Sets EIP to a near target, truncated to 16 bits for 16-bit operand size, checking CS limit. */
export function jumpNear(cpu: Cpu, i: Instr, target: number): void {
  const t = i.o32 ? target | 0 : target & 0xffff;
  if ((t >>> 0) > cpu.segLimit(CS)) raise(GP, 0);
  cpu.eip = t;
}

/** Target of a relative (J) or absolute (Ev) near branch. */
function nearTarget(cpu: Cpu, i: Instr): number {
  return i.op.operands[0].kind === K_J ? cpu.eip + i.imm : cpu.readE(i, i.o32 ? 4 : 2);
}

/** The count register of loop/jcxz (CX or ECX by address size). */
function counter(cpu: Cpu, i: Instr): number {
  return i.a32 ? cpu.reg32(ECX) : cpu.reg16(ECX);
}

function loopStep(cpu: Cpu, i: Instr, cond: (cpu: Cpu) => boolean): void {
  const c = i.a32 ? (cpu.reg32(ECX) - 1) | 0 : (cpu.reg16(ECX) - 1) & 0xffff;
  const taken = c !== 0 && cond(cpu);
  if (taken) jumpNear(cpu, i, cpu.eip + i.imm);
  if (i.a32) cpu.setReg32(ECX, c);
  else cpu.setReg16(ECX, c);
}

/** Handlers of this family. */
export const CONTROL_HANDLERS: HandlerTable = {
  jmp(cpu, i) {
    jumpNear(cpu, i, nearTarget(cpu, i));
  },
  jcc(cpu, i) {
    if (cpu.condition(i.opcode & 15)) jumpNear(cpu, i, cpu.eip + i.imm);
  },
  call(cpu, i) {
    const target = nearTarget(cpu, i);
    const t = i.o32 ? target | 0 : target & 0xffff;
    if ((t >>> 0) > cpu.segLimit(CS)) raise(GP, 0);
    cpu.push(cpu.eip, i.o32 ? 4 : 2);
    cpu.eip = t;
  },
  ret(cpu, i) {
    const size = i.o32 ? 4 : 2;
    const target = cpu.peek(0, size);
    jumpNear(cpu, i, target);
    cpu.setSp(cpu.sp + size + (i.op.operands.length > 0 ? i.imm & 0xffff : 0));
  },
  loop(cpu, i) {
    loopStep(cpu, i, () => true);
  },
  loope(cpu, i) {
    loopStep(cpu, i, (c) => c.condition(4));
  },
  loopne(cpu, i) {
    loopStep(cpu, i, (c) => c.condition(5));
  },
  jcxz(cpu, i) {
    if (counter(cpu, i) === 0) jumpNear(cpu, i, cpu.eip + i.imm);
  },
  clc(cpu) {
    cpu.setArithBits(CF, false);
  },
  stc(cpu) {
    cpu.setArithBits(CF, true);
  },
  cmc(cpu) {
    cpu.setArithBits(CF, !cpu.cf());
  },
  cld(cpu) {
    cpu.setRawFlagBits(DF, false);
  },
  std(cpu) {
    cpu.setRawFlagBits(DF, true);
  },
};

/** jmp specialised to the relative rows (E9, EB). */
function jmpForm(row: OpInfo): Handler | undefined {
  if (row.operands[0].kind !== K_J) return undefined;
  return (cpu, i) => jumpNear(cpu, i, cpu.eip + i.imm);
}

/** call specialised to the relative row (E8). */
function callForm(row: OpInfo): Handler | undefined {
  if (row.operands[0].kind !== K_J) return undefined;
  return (cpu, i) => {
    const t = i.o32 ? (cpu.eip + i.imm) | 0 : (cpu.eip + i.imm) & 0xffff;
    if ((t >>> 0) > cpu.segLimit(CS)) raise(GP, 0);
    cpu.push(cpu.eip, i.o32 ? 4 : 2);
    cpu.eip = t;
  };
}

/** Handlers specialised per operand form, for the rows of this family that have them. */
export const CONTROL_FACTORIES: FactoryTable = { jmp: jmpForm, call: callForm };
