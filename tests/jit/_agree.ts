/**
 * Runs the same guest bytes in the interpreter and in the JIT from identical starting states
 * and compares the state bytes afterwards (registers, EIP, materialised EFLAGS, CR2, memory).
 */

import assert from "node:assert/strict";
import type { Cpu } from "../../src/cpu/cpu.ts";
import type { Interpreter } from "../../src/cpu/interp/interpreter.ts";
import { OFF_CR2 } from "../../src/cpu/state.ts";
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
