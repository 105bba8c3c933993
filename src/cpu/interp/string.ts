/**
 * String instructions (SDM vol. 2 MOVS, CMPS, SCAS, LODS, STOS, REP/REPE/REPNE; vol. 1 §7.3.9):
 * A4/A5 (movs), A6/A7 (cmps), AA/AB (stos), AC/AD (lods), AE/AF (scas), byte, word and dword,
 * with F3 (rep/repe) and F2 (repne) prefixes.
 *
 * The source is seg:eSI with seg = DS or the override prefix; the destination is always ES:eDI.
 * The address size picks SI/DI/CX or ESI/EDI/ECX, and EFLAGS.DF the direction. A repeated
 * instruction runs at most `REP_CHUNK` iterations per execution; if work remains, EIP is left on
 * the instruction and the run loop is asked to return, so interrupts are serviced between chunks
 * (SDM vol. 1 §7.3.9.1). Each iteration updates the registers only after its accesses succeed,
 * so a fault leaves them describing the iterations done, as on hardware.
 */

import type { Cpu } from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import { REP_E, REP_NE, REP_NONE } from "../decode/instr.ts";
import { DF, LAZY_SUB, ZF } from "../flags.ts";
import { EAX, ECX, EDI, ES, ESI } from "../state.ts";
import type { HandlerTable } from "./handler.ts";

/** Most iterations of a repeated string instruction per execution. */
export const REP_CHUNK = 4096;

/** The string registers of one instruction, read once and written back at the end. */
interface Cursor {
  si: number;
  di: number;
  count: number;
}

/** Reads eSI, eDI and eCX (masked to 16 bits with 16-bit addressing). */
function load(cpu: Cpu, i: Instr, c: Cursor): void {
  if (i.a32) {
    c.si = cpu.reg32(ESI);
    c.di = cpu.reg32(EDI);
    c.count = cpu.reg32(ECX) >>> 0;
  } else {
    c.si = cpu.reg16(ESI);
    c.di = cpu.reg16(EDI);
    c.count = cpu.reg16(ECX);
  }
}

/** Writes back the registers the instruction uses. */
function store(cpu: Cpu, i: Instr, c: Cursor, si: boolean, di: boolean): void {
  if (i.a32) {
    if (si) cpu.setReg32(ESI, c.si);
    if (di) cpu.setReg32(EDI, c.di);
    if (i.rep !== REP_NONE) cpu.setReg32(ECX, c.count);
  } else {
    if (si) cpu.setReg16(ESI, c.si);
    if (di) cpu.setReg16(EDI, c.di);
    if (i.rep !== REP_NONE) cpu.setReg16(ECX, c.count);
  }
}

/** Advances a pointer by `delta` within the address size. */
function advance(i: Instr, p: number, delta: number): number {
  return i.a32 ? (p + delta) | 0 : (p + delta) & 0xffff;
}

/** Leaves EIP on the instruction and asks the run loop to return (more iterations remain). */
function yieldToRunLoop(cpu: Cpu): void {
  cpu.eip = cpu.startEip;
  cpu.requestStop();
}

const cursor: Cursor = { si: 0, di: 0, count: 0 };

/**
 * Runs a string operation `body` (which returns false to stop a repe/repne loop) once, or under
 * REP for up to REP_CHUNK iterations, committing the registers after each completed iteration.
 */
function run(
  cpu: Cpu,
  i: Instr,
  usesSi: boolean,
  usesDi: boolean,
  conditional: boolean,
  body: (cpu: Cpu, i: Instr, c: Cursor, size: number) => boolean,
): void {
  const size = i.size1 === 0 ? 1 : i.size1;
  const c = cursor;
  load(cpu, i, c);
  const delta = (cpu.rawFlags & DF) !== 0 ? -size : size;
  if (i.rep === REP_NONE) {
    body(cpu, i, c, size);
    if (usesSi) c.si = advance(i, c.si, delta);
    if (usesDi) c.di = advance(i, c.di, delta);
    store(cpu, i, c, usesSi, usesDi);
    return;
  }
  let left = REP_CHUNK;
  while (c.count !== 0) {
    if (left-- === 0) {
      store(cpu, i, c, usesSi, usesDi);
      yieldToRunLoop(cpu);
      return;
    }
    let more: boolean;
    try {
      more = body(cpu, i, c, size);
    } catch (e) {
      store(cpu, i, c, usesSi, usesDi);
      throw e;
    }
    if (usesSi) c.si = advance(i, c.si, delta);
    if (usesDi) c.di = advance(i, c.di, delta);
    c.count = i.a32 ? (c.count - 1) >>> 0 : (c.count - 1) & 0xffff;
    if (conditional && !more) break;
  }
  store(cpu, i, c, usesSi, usesDi);
}

/** For cmps/scas: whether a repe/repne loop goes on after this comparison. */
function continues(cpu: Cpu, i: Instr): boolean {
  const zf = (cpu.arith() & ZF) !== 0;
  return i.rep === REP_E ? zf : i.rep === REP_NE ? !zf : false;
}

const movs = (cpu: Cpu, i: Instr, c: Cursor, size: number): boolean => {
  cpu.writeSeg(ES, c.di, size, cpu.readSeg(i.seg, c.si, size));
  return true;
};
const stos = (cpu: Cpu, _i: Instr, c: Cursor, size: number): boolean => {
  cpu.writeSeg(ES, c.di, size, cpu.readReg(EAX, size));
  return true;
};
const lods = (cpu: Cpu, i: Instr, c: Cursor, size: number): boolean => {
  cpu.writeReg(EAX, size, cpu.readSeg(i.seg, c.si, size));
  return true;
};
const cmps = (cpu: Cpu, i: Instr, c: Cursor, size: number): boolean => {
  const a = cpu.readSeg(i.seg, c.si, size);
  const b = cpu.readSeg(ES, c.di, size);
  const r = size === 4 ? (a - b) | 0 : (a - b) & (size === 2 ? 0xffff : 0xff);
  cpu.setLazy(LAZY_SUB, a, b, r, size * 8);
  return continues(cpu, i);
};
const scas = (cpu: Cpu, i: Instr, c: Cursor, size: number): boolean => {
  const a = cpu.readReg(EAX, size);
  const b = cpu.readSeg(ES, c.di, size);
  const r = size === 4 ? (a - b) | 0 : (a - b) & (size === 2 ? 0xffff : 0xff);
  cpu.setLazy(LAZY_SUB, a, b, r, size * 8);
  return continues(cpu, i);
};

/** Handlers of this family. */
export const STRING_HANDLERS: HandlerTable = {
  movs(cpu, i) {
    run(cpu, i, true, true, false, movs);
  },
  stos(cpu, i) {
    run(cpu, i, false, true, false, stos);
  },
  lods(cpu, i) {
    run(cpu, i, true, false, false, lods);
  },
  cmps(cpu, i) {
    run(cpu, i, true, true, true, cmps);
  },
  scas(cpu, i) {
    run(cpu, i, false, true, true, scas);
  },
};
