/**
 * Runs the same guest bytes in the interpreter and in the JIT from identical starting states
 * and compares the state bytes afterwards (registers, EIP, materialised EFLAGS, CR2, memory).
 */

import assert from "node:assert/strict";
import type { Cpu } from "../../src/cpu/cpu.ts";
import type { Interpreter } from "../../src/cpu/interp/interpreter.ts";
import {
  OFF_CR2,
  OFF_GDTR_BASE,
  OFF_GDTR_LIMIT,
  OFF_IDTR_BASE,
  OFF_IDTR_LIMIT,
} from "../../src/cpu/state.ts";
import { JitEngine, type JitOptions, type JitStats } from "../../jit/mod.ts";
import { flatCpu } from "../cpu/_harness.ts";

/** The engine-visible state worth comparing. */
export interface Snapshot {
  regs: number[];
  eip: number;
  flags: string;
  cr2: number;
  memory: string[];
  returns: string;
}

/** A scenario: code at CODE_ADDR, optional setup, how many instructions to run. */
export interface Scenario {
  code: number[];
  steps: number;
  /** Budget of each run() call. */
  chunk?: number;
  setup?: (cpu: Cpu) => void;
  /** [physical address, length] ranges to compare. */
  ranges?: [number, number][];
}

/** Captures the state of `cpu`. */
export function snapshot(cpu: Cpu, ranges: [number, number][], returns: number[]): Snapshot {
  return {
    regs: [0, 1, 2, 3, 4, 5, 6, 7].map((r) => cpu.reg32(r) >>> 0),
    eip: cpu.eip >>> 0,
    flags: (cpu.getFlags() >>> 0).toString(16),
    cr2: cpu.i32[OFF_CR2 >> 2] >>> 0,
    memory: ranges.map(([a, n]) => Array.from(cpu.mem.read(a, n), (b) => b.toString(16)).join(",")),
    returns: returns.join(" "),
  };
}

type Runner = (budget: number) => { retired: number; tripleFault: boolean };

function drive(run: Runner, steps: number, chunk: number): number[] {
  const out: number[] = [];
  let total = 0;
  while (total < steps) {
    const r = run(Math.min(chunk, steps - total));
    out.push(r.retired);
    total += r.retired;
    if (r.tripleFault) {
      out.push(-1);
      break;
    }
    if (r.retired === 0) break;
  }
  return out;
}

function machine(s: Scenario): { cpu: Cpu; interp: Interpreter } {
  const m = flatCpu(s.code);
  s.setup?.(m.cpu);
  return m;
}

/**
 * Runs `s` in both engines and asserts they end in the same state.
 * @returns the JIT's statistics and its CPU
 */
export async function assertEnginesAgree(
  s: Scenario,
  options: JitOptions,
): Promise<{ stats: JitStats; cpu: Cpu }> {
  const chunk = s.chunk ?? 1000;
  const ranges = s.ranges ?? [];
  const ref = machine(s);
  const refReturns = drive((n) => ref.interp.run(n), s.steps, chunk);
  const mine = machine(s);
  const jit = await JitEngine.create(mine.cpu, mine.interp, options);
  const jitReturns = drive((n) => jit.run(n), s.steps, chunk);
  assert.deepEqual(
    snapshot(mine.cpu, ranges, jitReturns),
    snapshot(ref.cpu, ranges, refReturns),
  );
  return { stats: jit.stats, cpu: mine.cpu };
}

/** Bytes from a string of hex pairs ("0f af c3"), for instruction bytes written as text. */
export function hex(text: string): number[] {
  return text.trim().split(/\s+/).map((b) => parseInt(b, 16));
}

/** Fills `length` bytes at physical `addr` with a reproducible pseudo-random pattern. */
export function fillRandom(cpu: Cpu, addr: number, length: number, seed: number): void {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let n = 0; n < length; n++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    bytes[n] = x >>> 24;
  }
  cpu.mem.write(addr, bytes);
}

/** Physical address of the counter the handler of `installSkippingIdt` increments. */
export const FAULT_COUNT = 0x5000;

/**
 * A GDT (flat code 0x08, flat data 0x10) and an IDT sending every exception to a handler at
 * 0x3000 that counts it at FAULT_COUNT and resumes 2 bytes past the faulting instruction.
 */
export function installSkippingIdt(cpu: Cpu): void {
  const gdt = new DataView(new ArrayBuffer(24));
  gdt.setUint32(8, 0x0000ffff, true);
  gdt.setUint32(12, 0x00cf9a00, true);
  gdt.setUint32(16, 0x0000ffff, true);
  gdt.setUint32(20, 0x00cf9200, true);
  cpu.mem.write(0x800, new Uint8Array(gdt.buffer));
  const idt = new DataView(new ArrayBuffer(32 * 8));
  for (let v = 0; v < 32; v++) {
    idt.setUint32(v * 8, (0x08 << 16) | 0x3000, true);
    idt.setUint32(v * 8 + 4, 0x8e00, true);
  }
  cpu.mem.write(0x900, new Uint8Array(idt.buffer));
  cpu.i32[OFF_GDTR_BASE >> 2] = 0x800;
  cpu.i32[OFF_GDTR_LIMIT >> 2] = 23;
  cpu.i32[OFF_IDTR_BASE >> 2] = 0x900;
  cpu.i32[OFF_IDTR_LIMIT >> 2] = 32 * 8 - 1;
  cpu.mem.write(
    0x3000,
    Uint8Array.from([
      ...hex("83 04 24 02"), // add dword [esp],byte +0x2
      ...hex("ff 05 00 50 00 00"), // inc dword [0x5000]
      ...hex("cf"), // iretd
    ]),
  );
}

/** The JIT settings engine-agreement tests run under: compile on first sight, the default, tiny batches. */
export const AGREE_MODES: readonly JitOptions[] = [
  { threshold: 0 },
  { threshold: 50 },
  { threshold: 3, batch: 4 },
];

/**
 * Runs `s` under every mode of AGREE_MODES, asserting agreement each time, that at least
 * `minJitted` instructions ran compiled, and that no mnemonic of `inline` became a callout.
 * @returns the JIT's statistics of each mode
 */
export async function agreeInline(
  s: Scenario,
  inline: readonly string[],
  minJitted = 100,
): Promise<JitStats[]> {
  const out: JitStats[] = [];
  for (const options of AGREE_MODES) {
    const { stats } = await assertEnginesAgree(s, options);
    assert.ok(stats.jittedInstructions >= minJitted, `only ${stats.jittedInstructions} jitted`);
    const called = inline.filter((m) => (stats.callouts[m] ?? 0) > 0);
    assert.deepEqual(called, [], `called out: ${JSON.stringify(stats.callouts)}`);
    out.push(stats);
  }
  return out;
}
