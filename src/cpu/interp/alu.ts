/**
 * Integer arithmetic and logic (SDM vol. 1 §7.3.2–7.3.3): add, or, adc, sbb, and, sub, xor, cmp,
 * test, inc, dec, neg, not. Results write the lazy-flag record, never EFLAGS directly.
 */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import {
  CF,
  LAZY_ADC,
  LAZY_ADD,
  LAZY_DEC,
  LAZY_INC,
  LAZY_LOGIC,
  LAZY_SBB,
  LAZY_SUB,
  LAZY_SUB as SUB,
} from "../flags.ts";
import type { HandlerTable } from "./handler.ts";
import { readOperand, writeOperand } from "./operands.ts";

/** ALU operations in encoding order (the ModRM reg field of group 1, bits 3–5 of 00–3F). */
export const AluOp = { ADD: 0, OR: 1, ADC: 2, SBB: 3, AND: 4, SUB: 5, XOR: 6, CMP: 7 } as const;

function mask(v: number, size: number): number {
  return size === 4 ? v | 0 : size === 2 ? v & 0xffff : v & 0xff;
}

/** Computes `a op b` for an ALU operation, recording flags; returns the masked result. */
export function aluCompute(cpu: Cpu, op: number, a: number, b: number, size: number): number {
  const bits = size * 8;
  let r: number;
  switch (op) {
    case AluOp.ADD:
      r = mask(a + b, size);
      cpu.setLazy(LAZY_ADD, a, b, r, bits);
      return r;
    case AluOp.OR:
      r = mask(a | b, size);
      cpu.setLazy(LAZY_LOGIC, a, b, r, bits);
      return r;
    case AluOp.ADC: {
      const c = cpu.cf() ? 1 : 0;
      r = mask(a + b + c, size);
      cpu.setLazy(LAZY_ADC, a, b, r, bits);
      return r;
    }
    case AluOp.SBB: {
      const c = cpu.cf() ? 1 : 0;
      r = mask(a - b - c, size);
      cpu.setLazy(LAZY_SBB, a, b, r, bits);
      return r;
    }
    case AluOp.AND:
      r = mask(a & b, size);
      cpu.setLazy(LAZY_LOGIC, a, b, r, bits);
      return r;
    case AluOp.XOR:
      r = mask(a ^ b, size);
      cpu.setLazy(LAZY_LOGIC, a, b, r, bits);
      return r;
    default: // SUB, CMP
      r = mask(a - b, size);
      cpu.setLazy(LAZY_SUB, a, b, r, bits);
      return r;
  }
}

const MNEMONIC_OP: Record<string, number> = {
  add: AluOp.ADD,
  or: AluOp.OR,
  adc: AluOp.ADC,
  sbb: AluOp.SBB,
  and: AluOp.AND,
  sub: AluOp.SUB,
  xor: AluOp.XOR,
  cmp: AluOp.CMP,
};

/** Two-operand ALU form: destination is operand 0, source operand 1 (Eb,Gb … eAX,Iz, group 1). */
function binary(op: number) {
  return (cpu: Cpu, i: Instr): void => {
    const size = i.size1;
    const a = readOperand(cpu, i, 0, size);
    const b = readOperand(cpu, i, 1, size);
    const r = aluCompute(cpu, op, a, b, size);
    if (op !== AluOp.CMP) writeOperand(cpu, i, 0, size, r);
  };
}

function incDec(inc: boolean) {
  return (cpu: Cpu, i: Instr): void => {
    const size = i.size1;
    const a = readOperand(cpu, i, 0, size);
    const r = mask(inc ? a + 1 : a - 1, size);
    writeOperand(cpu, i, 0, size, r);
    cpu.setArithBits(CF, cpu.cf());
    cpu.setLazy(inc ? LAZY_INC : LAZY_DEC, a, 1, r, size * 8);
  };
}

/** Handlers of this family. */
export const ALU_HANDLERS: HandlerTable = {
  ...Object.fromEntries(Object.entries(MNEMONIC_OP).map(([m, op]) => [m, binary(op)])),
  test(cpu, i) {
    const size = i.size1;
    const r = mask(readOperand(cpu, i, 0, size) & readOperand(cpu, i, 1, size), size);
    cpu.setLazy(LAZY_LOGIC, r, r, r, size * 8);
  },
  inc: incDec(true),
  dec: incDec(false),
  not(cpu, i) {
    const size = i.size1;
    writeOperand(cpu, i, 0, size, mask(~readOperand(cpu, i, 0, size), size));
  },
  neg(cpu, i) {
    const size = i.size1;
    const b = readOperand(cpu, i, 0, size);
    const r = mask(-b, size);
    writeOperand(cpu, i, 0, size, r);
    cpu.setLazy(SUB, 0, b, r, size * 8);
  },
};
