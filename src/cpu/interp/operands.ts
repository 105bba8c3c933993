/** Generic operand access by kind, for handlers that serve several operand forms of a family. */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import { K_E, K_G, K_I, K_M, K_O, K_ONE, K_REG, K_Z } from "../decode/operand.ts";
import { raise, UD } from "../fault.ts";

/** Size in bytes of operand n (0-based) as resolved by the decoder. */
export function operandSize(i: Instr, n: number): number {
  return n === 0 ? i.size1 : n === 1 ? i.size2 : i.size3;
}

/** The first immediate as an operand of `size` bytes (Ib is decoded sign-extended). */
export function immediate(i: Instr, size: number): number {
  return size === 4 ? i.imm : i.imm & (size === 2 ? 0xffff : 0xff);
}

/** Reads operand n of `size` bytes (zero-extended; 32-bit values as i32). */
export function readOperand(cpu: Cpu, i: Instr, n: number, size: number): number {
  const spec = i.op.operands[n];
  switch (spec.kind) {
    case K_E:
    case K_M:
    case K_O:
      return cpu.readE(i, size);
    case K_G:
      return cpu.readReg(i.reg, size);
    case K_I:
      return immediate(i, size);
    case K_REG:
      return cpu.readReg(spec.reg, size);
    case K_Z:
      return cpu.readReg(i.rm, size);
    case K_ONE:
      return 1;
  }
  return raise(UD);
}

/** Writes operand n of `size` bytes. */
export function writeOperand(cpu: Cpu, i: Instr, n: number, size: number, v: number): void {
  const spec = i.op.operands[n];
  switch (spec.kind) {
    case K_E:
    case K_M:
    case K_O:
      cpu.writeE(i, size, v);
      return;
    case K_G:
      cpu.writeReg(i.reg, size, v);
      return;
    case K_REG:
      cpu.writeReg(spec.reg, size, v);
      return;
    case K_Z:
      cpu.writeReg(i.rm, size, v);
      return;
  }
  raise(UD);
}
