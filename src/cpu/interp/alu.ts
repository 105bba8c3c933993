/**
 * Integer arithmetic and logic (SDM vol. 1 §7.3.2–7.3.3): add, or, adc, sbb, and, sub, xor, cmp,
 * test, inc, dec, neg, not. Results write the lazy-flag record, never EFLAGS directly.
 */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import type { OpInfo } from "../decode/op_info.ts";
import { K_E, K_G, K_I, K_REG } from "../decode/operand.ts";
import {
  LAZY_ADC,
  LAZY_ADD,
  LAZY_DEC,
  LAZY_INC,
  LAZY_LOGIC,
  LAZY_SBB,
  LAZY_SUB,
} from "../flags.ts";
import type { FactoryTable, Handler, HandlerFactory, HandlerTable } from "./handler.ts";
import { immediate, readOperand, writeOperand } from "./operands.ts";

/** ALU operations in encoding order (the ModRM reg field of group 1, bits 3–5 of 00–3F). */
export const AluOp = { ADD: 0, OR: 1, ADC: 2, SBB: 3, AND: 4, SUB: 5, XOR: 6, CMP: 7 } as const;

function mask(v: number, size: number): number {
  return size === 4 ? v | 0 : size === 2 ? v & 0xffff : v & 0xff;
}

/** The lazy-flag record each ALU operation leaves, by `AluOp`. */
const ALU_LAZY = [
  LAZY_ADD,
  LAZY_LOGIC,
  LAZY_ADC,
  LAZY_SBB,
  LAZY_LOGIC,
  LAZY_SUB,
  LAZY_LOGIC,
  LAZY_SUB,
];

/**
 * `a op b` masked to `size` bytes. Flags are left alone: callers record them once the
 * destination is written, so a faulting write leaves EFLAGS as it was.
 */
function aluResult(cpu: Cpu, op: number, a: number, b: number, size: number): number {
  switch (op) {
    case AluOp.ADD:
      return mask(a + b, size);
    case AluOp.OR:
      return mask(a | b, size);
    case AluOp.ADC:
      return mask(a + b + (cpu.cf() ? 1 : 0), size);
    case AluOp.SBB:
      return mask(a - b - (cpu.cf() ? 1 : 0), size);
    case AluOp.AND:
      return mask(a & b, size);
    case AluOp.XOR:
      return mask(a ^ b, size);
    default: // SUB, CMP
      return mask(a - b, size);
  }
}

/** `op E, b`: register or memory destination (the address is computed once for both accesses). */
function aluOnE(cpu: Cpu, i: Instr, op: number, b: number, size: number): void {
  let a: number, r: number;
  if (i.mod === 3) {
    a = cpu.readReg(i.rm, size);
    r = aluResult(cpu, op, a, b, size);
    if (op !== AluOp.CMP) cpu.writeReg(i.rm, size, r);
  } else {
    const off = cpu.effAddr(i);
    a = cpu.readSeg(i.seg, off, size);
    r = aluResult(cpu, op, a, b, size);
    if (op !== AluOp.CMP) cpu.writeSeg(i.seg, off, size, r);
  }
  cpu.setLazy(ALU_LAZY[op], a, b, r, size << 3);
}

/** `op reg, b`: general-register destination. */
function aluOnReg(cpu: Cpu, op: number, reg: number, b: number, size: number): void {
  const a = cpu.readReg(reg, size);
  const r = aluResult(cpu, op, a, b, size);
  if (op !== AluOp.CMP) cpu.writeReg(reg, size, r);
  cpu.setLazy(ALU_LAZY[op], a, b, r, size << 3);
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
function binary(op: number): Handler {
  return (cpu, i) => {
    const size = i.size1;
    const a = readOperand(cpu, i, 0, size);
    const b = readOperand(cpu, i, 1, size);
    const r = aluResult(cpu, op, a, b, size);
    if (op !== AluOp.CMP) writeOperand(cpu, i, 0, size, r);
    cpu.setLazy(ALU_LAZY[op], a, b, r, size << 3);
  };
}

/** The ALU operation `op` specialised to one row's operand form (E,G · G,E · E,I · acc,I). */
function binaryForm(op: number): HandlerFactory {
  return (row) => {
    const [dst, src] = row.operands;
    if (dst.kind === K_E && src.kind === K_G) {
      return (cpu, i) => aluOnE(cpu, i, op, cpu.readReg(i.reg, i.size1), i.size1);
    }
    if (dst.kind === K_E && src.kind === K_I) {
      return (cpu, i) => aluOnE(cpu, i, op, immediate(i, i.size1), i.size1);
    }
    if (dst.kind === K_G && src.kind === K_E) {
      return (cpu, i) => aluOnReg(cpu, op, i.reg, cpu.readE(i, i.size1), i.size1);
    }
    if (dst.kind === K_REG && src.kind === K_I) {
      const reg = dst.reg;
      return (cpu, i) => aluOnReg(cpu, op, reg, immediate(i, i.size1), i.size1);
    }
    return undefined;
  };
}

/** test: the AND of both operands, flags only (E,G · E,I · acc,I). */
function testForm(row: OpInfo): Handler | undefined {
  const [dst, src] = row.operands;
  if (dst.kind === K_E && src.kind === K_G) {
    return (cpu, i) =>
      logicFlags(cpu, cpu.readE(i, i.size1) & cpu.readReg(i.reg, i.size1), i.size1);
  }
  if (dst.kind === K_E && src.kind === K_I) {
    return (cpu, i) => logicFlags(cpu, cpu.readE(i, i.size1) & immediate(i, i.size1), i.size1);
  }
  if (dst.kind === K_REG && src.kind === K_I) {
    const reg = dst.reg;
    return (cpu, i) => logicFlags(cpu, cpu.readReg(reg, i.size1) & immediate(i, i.size1), i.size1);
  }
  return undefined;
}

/** Records the flags of test's result `v`. */
function logicFlags(cpu: Cpu, v: number, size: number): void {
  const r = mask(v, size);
  cpu.setLazy(LAZY_LOGIC, r, r, r, size << 3);
}

/**
 * inc/dec of the E operand, which for the one-byte register forms (40–4F) is the register in the
 * opcode (the decoder reports those as mod 3). CF survives: it is made current in EFLAGS first.
 */
function incDec(inc: boolean): Handler {
  const lazy = inc ? LAZY_INC : LAZY_DEC;
  return (cpu, i) => {
    const size = i.size1;
    let a: number, r: number;
    if (i.mod === 3) {
      a = cpu.readReg(i.rm, size);
      r = mask(inc ? a + 1 : a - 1, size);
      cpu.writeReg(i.rm, size, r);
    } else {
      const off = cpu.effAddr(i);
      a = cpu.readSeg(i.seg, off, size);
      r = mask(inc ? a + 1 : a - 1, size);
      cpu.writeSeg(i.seg, off, size, r);
    }
    cpu.foldCarry();
    cpu.setLazy(lazy, a, 1, r, size << 3);
  };
}

/** Handlers of this family. */
export const ALU_HANDLERS: HandlerTable = {
  ...Object.fromEntries(Object.entries(MNEMONIC_OP).map(([m, op]) => [m, binary(op)])),
  test(cpu, i) {
    logicFlags(cpu, readOperand(cpu, i, 0, i.size1) & readOperand(cpu, i, 1, i.size1), i.size1);
  },
  inc: incDec(true),
  dec: incDec(false),
  not(cpu, i) {
    const size = i.size1;
    cpu.writeE(i, size, mask(~cpu.readE(i, size), size));
  },
  neg(cpu, i) {
    const size = i.size1;
    const b = cpu.readE(i, size);
    const r = mask(-b, size);
    cpu.writeE(i, size, r);
    cpu.setLazy(LAZY_SUB, 0, b, r, size << 3);
  },
};

/** Handlers specialised per operand form, for the rows of this family that have them. */
export const ALU_FACTORIES: FactoryTable = {
  ...Object.fromEntries(Object.entries(MNEMONIC_OP).map(([m, op]) => [m, binaryForm(op)])),
  test: testForm,
};
