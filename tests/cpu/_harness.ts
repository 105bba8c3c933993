/** A bare CPU with a recording environment, for instruction-level tests of both engines. */

import { Cpu } from "../../src/cpu/cpu.ts";
import type { CpuEnvironment } from "../../src/cpu/environment.ts";
import { Interpreter } from "../../src/cpu/interp/interpreter.ts";
import { PhysicalMemory } from "../../src/cpu/physical_memory.ts";

/** Where test code is placed (guest physical = linear in flat mode). */
export const CODE_ADDR = 0x1000;
/** Initial ESP for test code. */
export const STACK_TOP = 0x8000;

/** A recording environment: port writes are logged, port reads answer from a map. */
export class TestEnv implements CpuEnvironment {
  outs: Array<[number, number, number]> = [];
  ins = new Map<number, number>();
  portIn(port: number, _size: 1 | 2 | 4): number {
    return this.ins.get(port) ?? 0xffffffff;
  }
  portOut(port: number, size: 1 | 2 | 4, value: number): void {
    this.outs.push([port, size, value]);
  }
  mmioRead(): number {
    return 0xffffffff;
  }
  mmioWrite(): void {}
  cpuid(): [number, number, number, number] {
    return [0, 0, 0, 0];
  }
  readMsr(): bigint | undefined {
    return undefined;
  }
  writeMsr(): boolean {
    return false;
  }
  readTsc(): bigint {
    return 0n;
  }
}

/** A CPU in flat 32-bit protected mode with `code` at CODE_ADDR. */
export function flatCpu(code: number[] | Uint8Array, memory = 4 << 20): {
  cpu: Cpu;
  env: TestEnv;
  interp: Interpreter;
} {
  const env = new TestEnv();
  const cpu = new Cpu(new PhysicalMemory(memory), env);
  cpu.enterFlatProtectedMode();
  cpu.mem.write(CODE_ADDR, Uint8Array.from(code));
  cpu.eip = CODE_ADDR;
  cpu.setReg32(4, STACK_TOP);
  return { cpu, env, interp: new Interpreter(cpu) };
}

/** A CPU in real mode with `code` at 0000:CODE_ADDR. */
export function realCpu(
  code: number[] | Uint8Array,
): { cpu: Cpu; env: TestEnv; interp: Interpreter } {
  const env = new TestEnv();
  const cpu = new Cpu(new PhysicalMemory(4 << 20), env);
  cpu.setSegmentCache(1, 0, 0, 0xffff, cpu.segAttrs(3) | (1 << 3));
  cpu.mem.write(CODE_ADDR, Uint8Array.from(code));
  cpu.eip = CODE_ADDR;
  cpu.setReg32(4, STACK_TOP);
  return { cpu, env, interp: new Interpreter(cpu) };
}

/** Runs exactly `count` instructions (faults delivered count as none). */
export function step(interp: Interpreter, count = 1): void {
  let left = count;
  while (left > 0) left -= Math.max(1, interp.run(left).retired);
}
