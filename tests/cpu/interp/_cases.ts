/** Table-driven instruction cases for the interpreter's family tests. */

import assert from "node:assert/strict";
import type { Cpu } from "../../../src/cpu/cpu.ts";
import { decode } from "../../../src/cpu/decode/decode.ts";
import { CpuFault } from "../../../src/cpu/fault.ts";
import { ARITH_FLAGS } from "../../../src/cpu/flags.ts";
import { HANDLERS } from "../../../src/cpu/interp/dispatch.ts";
import { CS } from "../../../src/cpu/state.ts";
import { CODE_ADDR, flatCpu } from "../_harness.ts";

/** Register names in encoding order. */
export const REG_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
/** A register name. */
export type RegName = typeof REG_NAMES[number];
/** Register values by name. */
export type Regs = Partial<Record<RegName, number>>;

/** One instruction case. */
export interface Case {
  /** What the case shows. */
  name: string;
  /** Instruction bytes (disassembly in a comment at the case). */
  code: number[];
  /** Registers before. */
  regs?: Regs;
  /** Arithmetic flags (and DF) before. */
  flags?: number;
  /** Memory before: [address, bytes]. */
  mem?: Array<[number, number[]]>;
  /** Registers after (unlisted registers must keep their values). */
  out?: Regs;
  /** Flags after, compared under `mask`. */
  outFlags?: number;
  /** Flags the instruction defines for this case (default: all six arithmetic flags). */
  mask?: number;
  /** Memory after: [address, bytes]. */
  outMem?: Array<[number, number[]]>;
  /** Expected exception vector: registers and EIP must then be unchanged. */
  fault?: number;
}

/** Executes one instruction like the interpreter does, returning the vector if it faults. */
export function execOne(cpu: Cpu): number | null {
  const eip = cpu.eip;
  cpu.startEip = eip;
  try {
    const i = decode(
      { fetch8: (e: number) => cpu.mmu.read8(cpu.linear(CS, e, 1, false)) },
      eip,
      cpu.code32,
    );
    cpu.eip = eip + i.length;
    HANDLERS[i.op.id](cpu, i);
    return null;
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    cpu.eip = eip;
    return e.vector;
  }
}

/** Sets up a flat CPU for a case (code at CODE_ADDR). */
export function setup(c: Case): Cpu {
  const { cpu } = flatCpu(c.code);
  REG_NAMES.forEach((r, n) => {
    if (c.regs?.[r] !== undefined) cpu.setReg32(n, c.regs[r]!);
  });
  cpu.setFlags((c.flags ?? 0) | 2);
  for (const [addr, bytes] of c.mem ?? []) cpu.mem.write(addr, Uint8Array.from(bytes));
  return cpu;
}

/** Runs a table of cases as one Deno test each. */
export function runCases(prefix: string, cases: Case[]): void {
  for (const c of cases) {
    Deno.test(`${prefix}: ${c.name}`, () => {
      const cpu = setup(c);
      const before = REG_NAMES.map((_, n) => cpu.reg32(n) >>> 0);
      const flagsBefore = cpu.getFlags();
      const vector = execOne(cpu);
      if (c.fault !== undefined) {
        assert.equal(vector, c.fault, "exception vector");
        assert.equal(cpu.eip, CODE_ADDR, "EIP stays on the instruction");
        assert.deepEqual(REG_NAMES.map((_, n) => cpu.reg32(n) >>> 0), before, "registers");
        assert.equal(cpu.getFlags(), flagsBefore, "flags");
      } else {
        assert.equal(vector, null, "no exception");
      }
      const want = before.slice();
      REG_NAMES.forEach((r, n) => {
        if (c.out?.[r] !== undefined) want[n] = c.out[r]! >>> 0;
      });
      const hex = (v: number[]) => v.map((x) => x.toString(16));
      assert.deepEqual(hex(REG_NAMES.map((_, n) => cpu.reg32(n) >>> 0)), hex(want), "registers");
      if (c.outFlags !== undefined) {
        const mask = c.mask ?? ARITH_FLAGS;
        assert.equal(
          (cpu.getFlags() & mask).toString(16),
          (c.outFlags & mask).toString(16),
          "flags under mask",
        );
      }
      for (const [addr, bytes] of c.outMem ?? []) {
        const got: number[] = [];
        for (let n = 0; n < bytes.length; n++) got.push(cpu.mmu.read8(addr + n));
        assert.deepEqual(got, bytes, `memory at ${addr.toString(16)}`);
      }
    });
  }
}
