/**
 * Protected-mode scaffolding for system-architecture tests: a GDT with the usual flat
 * segments, descriptor and gate encoders, a TSS, and `exec`, which runs one instruction and
 * returns the fault it raised instead of delivering it.
 */

import type { Cpu } from "../../src/cpu/cpu.ts";
import { decode } from "../../src/cpu/decode/decode.ts";
import { CpuFault } from "../../src/cpu/fault.ts";
import { HANDLERS } from "../../src/cpu/interp/dispatch.ts";
import {
  CS,
  OFF_GDTR_BASE,
  OFF_GDTR_LIMIT,
  OFF_IDTR_BASE,
  OFF_IDTR_LIMIT,
} from "../../src/cpu/state.ts";
import { CODE_ADDR, flatCpu, type TestEnv } from "./_harness.ts";
import type { Interpreter } from "../../src/cpu/interp/interpreter.ts";

/** Physical address of the GDT (64 entries). */
export const GDT = 0x10000;
/** Physical address of the IDT (256 gates). */
export const IDT = 0x11000;
/** Physical address of the first TSS. */
export const TSS = 0x12000;
/** Flat ring-0 code. */
export const KCODE = 0x08;
/** Flat ring-0 data. */
export const KDATA = 0x10;
/** Flat ring-3 code. */
export const UCODE = 0x1b;
/** Flat ring-3 data. */
export const UDATA = 0x23;
/** The TSS of the running task. */
export const TSS_SEL = 0x28;

/** Encodes a segment descriptor: base, 20-bit limit, access byte, flags nibble (G=8, D=4). */
export function descriptor(base: number, limit: number, access: number, flags: number): [
  number,
  number,
] {
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = (base & 0xff000000) | ((flags & 0xf) << 20) | (limit & 0xf0000) |
    ((access & 0xff) << 8) | ((base >>> 16) & 0xff);
  return [lo | 0, hi | 0];
}

/** Encodes a gate: selector, offset, access byte (type, DPL, P), parameter count. */
export function gate(sel: number, offset: number, access: number, params = 0): [number, number] {
  const lo = ((sel & 0xffff) << 16) | (offset & 0xffff);
  const hi = (offset & 0xffff0000) | ((access & 0xff) << 8) | (params & 0x1f);
  return [lo | 0, hi | 0];
}

/** Writes GDT entry `sel >> 3`. */
export function setGdt(cpu: Cpu, sel: number, d: [number, number]): void {
  cpu.mem.writeU32(GDT + (sel & ~7), d[0] >>> 0);
  cpu.mem.writeU32(GDT + (sel & ~7) + 4, d[1] >>> 0);
}

/** Writes IDT gate `vector`. */
export function setIdt(cpu: Cpu, vector: number, g: [number, number]): void {
  cpu.mem.writeU32(IDT + vector * 8, g[0] >>> 0);
  cpu.mem.writeU32(IDT + vector * 8 + 4, g[1] >>> 0);
}

/**
 * A flat protected-mode CPU whose GDT holds KCODE, KDATA, UCODE, UDATA and a busy 32-bit TSS
 * (loaded in TR, ESP0 = 0x9000, SS0 = KDATA, no I/O bitmap), and an empty IDT.
 */
export function systemCpu(code: number[]): { cpu: Cpu; env: TestEnv; interp: Interpreter } {
  const m = flatCpu(code);
  const { cpu } = m;
  setGdt(cpu, KCODE, descriptor(0, 0xfffff, 0x9a, 0xc));
  setGdt(cpu, KDATA, descriptor(0, 0xfffff, 0x92, 0xc));
  setGdt(cpu, UCODE, descriptor(0, 0xfffff, 0xfa, 0xc));
  setGdt(cpu, UDATA, descriptor(0, 0xfffff, 0xf2, 0xc));
  setGdt(cpu, TSS_SEL, descriptor(TSS, 0x67, 0x8b, 0));
  cpu.mem.writeU32(TSS + 4, 0x9000);
  cpu.mem.writeU32(TSS + 8, KDATA);
  cpu.mem.writeU32(TSS + 0x64, 0x0068_0000); // I/O map base 0x68 = limit + 1: no bitmap
  cpu.i32[OFF_GDTR_BASE >> 2] = GDT;
  cpu.i32[OFF_GDTR_LIMIT >> 2] = 64 * 8 - 1;
  cpu.i32[OFF_IDTR_BASE >> 2] = IDT;
  cpu.i32[OFF_IDTR_LIMIT >> 2] = 256 * 8 - 1;
  const tr = 176 >> 2;
  cpu.i32[tr] = TSS_SEL;
  cpu.i32[tr + 1] = TSS;
  cpu.i32[tr + 2] = 0x67;
  cpu.i32[tr + 3] = 0x8b;
  return m;
}

/** Switches the CPU to ring 3 with flat UCODE/UDATA segments (no checks). */
export function enterRing3(cpu: Cpu): void {
  const user = (3 << 5) | 0x80 | 0x10 | 0x2 | 1 | (0xc << 12);
  for (let s = 0; s < 6; s++) cpu.setSegmentCache(s, UDATA, 0, 0xffffffff, user);
  cpu.setSegmentCache(CS, UCODE, 0, 0xffffffff, user | 8);
  cpu.cpl = 3;
}

/** Runs the instruction at EIP once; returns the fault it raised (EIP restored) or null. */
export function exec(cpu: Cpu): CpuFault | null {
  const eip = cpu.eip;
  cpu.startEip = eip;
  try {
    const i = decode(
      { fetch8: (e) => cpu.mmu.read8(cpu.linear(CS, e, 1, false)) },
      eip,
      cpu.code32,
    );
    cpu.eip = cpu.code32 ? eip + i.length : (eip + i.length) & 0xffff;
    HANDLERS[i.op.id](cpu, i);
    return null;
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    cpu.eip = eip;
    return e;
  }
}

/** Places `bytes` at CODE_ADDR and points EIP at them. */
export function load(cpu: Cpu, bytes: number[]): void {
  cpu.mem.write(CODE_ADDR, Uint8Array.from(bytes));
  cpu.eip = CODE_ADDR;
}

/** A fault as [vector, errorCode] for compact assertions (null when none). */
export function faultOf(f: CpuFault | null): [number, number] | null {
  return f === null ? null : [f.vector, f.errorCode];
}
