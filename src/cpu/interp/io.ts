/**
 * Port I/O (SDM vol. 1 §18; vol. 2 IN, OUT, INS, OUTS): in and out with an immediate or DX
 * port, 8/16/32 bits, and the string forms with REP, both directions and 16- or 32-bit
 * addressing. Every access first passes the I/O permission check (`io_permission.ts`). A REP
 * string instruction moves at most `MAX_STRING_ITERATIONS` elements per call, then re-executes
 * itself after the run loop has had a look (as an interruptible string instruction does).
 */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import { K_I } from "../decode/operand.ts";
import { DF } from "../flags.ts";
import { checkIoPermission } from "../io_permission.ts";
import { ACCESS_WRITE } from "../mmu.ts";
import { EAX, ECX, EDI, EDX, ES, ESI } from "../state.ts";
import type { HandlerTable } from "./handler.ts";

/** Elements one REP ins/outs moves before yielding to the run loop. */
export const MAX_STRING_ITERATIONS = 4096;

/** The port operand: an immediate byte (zero-extended) or DX. */
function port(cpu: Cpu, i: Instr, n: number): number {
  return i.op.operands[n].kind === K_I ? i.imm & 0xff : cpu.reg16(EDX);
}

/** Reads the string index register (SI/ESI or DI/EDI by address size). */
function index(cpu: Cpu, i: Instr, r: number): number {
  return i.a32 ? cpu.reg32(r) : cpu.reg16(r);
}

/** Advances an index register by one element, by address size and EFLAGS.DF. */
function advance(cpu: Cpu, i: Instr, r: number, size: number): void {
  const d = (cpu.rawFlags & DF) !== 0 ? -size : size;
  if (i.a32) cpu.setReg32(r, (cpu.reg32(r) + d) | 0);
  else cpu.setReg16(r, (cpu.reg16(r) + d) & 0xffff);
}

/** The REP count (CX or ECX by address size), as an unsigned number. */
function count(cpu: Cpu, i: Instr): number {
  return i.a32 ? cpu.reg32(ECX) >>> 0 : cpu.reg16(ECX);
}

function setCount(cpu: Cpu, i: Instr, v: number): void {
  if (i.a32) cpu.setReg32(ECX, v | 0);
  else cpu.setReg16(ECX, v & 0xffff);
}

/** Runs `body` once, or CX/ECX times under REP, bounded per call (see module doc). */
function repeat(cpu: Cpu, i: Instr, body: () => void): void {
  if (i.rep === 0) {
    body();
    return;
  }
  let left = count(cpu, i);
  let n = 0;
  while (left !== 0) {
    if (n === MAX_STRING_ITERATIONS) {
      cpu.eip = cpu.startEip;
      cpu.requestStop();
      return;
    }
    body();
    left = (left - 1) >>> 0;
    setCount(cpu, i, left);
    n++;
  }
}

/** Handlers of this family. */
export const IO_HANDLERS: HandlerTable = {
  in(cpu, i) {
    const size = i.size1 as 1 | 2 | 4;
    const p = port(cpu, i, 1);
    checkIoPermission(cpu, p, size);
    cpu.writeReg(EAX, size, cpu.env.portIn(p, size));
  },
  out(cpu, i) {
    const size = i.size2 as 1 | 2 | 4;
    const p = port(cpu, i, 0);
    checkIoPermission(cpu, p, size);
    const v = cpu.readReg(EAX, size);
    cpu.env.portOut(p, size, size === 4 ? v >>> 0 : v);
  },
  ins(cpu, i) {
    const size = i.size1 as 1 | 2 | 4;
    const p = cpu.reg16(EDX);
    checkIoPermission(cpu, p, size);
    repeat(cpu, i, () => {
      const off = index(cpu, i, EDI);
      // The destination is checked before the port is read, so a fault leaves the device alone.
      const lin = cpu.linear(ES, off, size, true);
      cpu.mmu.translate(lin, ACCESS_WRITE);
      cpu.mmu.translate((lin + size - 1) | 0, ACCESS_WRITE);
      cpu.writeSeg(ES, off, size, cpu.env.portIn(p, size));
      advance(cpu, i, EDI, size);
    });
  },
  outs(cpu, i) {
    const size = i.size2 as 1 | 2 | 4;
    const p = cpu.reg16(EDX);
    checkIoPermission(cpu, p, size);
    repeat(cpu, i, () => {
      const v = cpu.readSeg(i.seg, index(cpu, i, ESI), size);
      cpu.env.portOut(p, size, size === 4 ? v >>> 0 : v);
      advance(cpu, i, ESI, size);
    });
  },
};
