/**
 * Runs a multiboot ELF guest on a bare CPU under the interpreter, the way a multiboot loader
 * leaves it (flat 32-bit protected mode, EAX = 0x2BADB002), with a minimal machine: COM1 output
 * is collected, the UART scratch register (0x3FF) reads back what was written, and a write to
 * port 0xF4 ends the run with its value as the status. No PIC or PIT: guests that need
 * interrupts run under the VM instead.
 */

import { parseElf32 } from "../../src/boot/elf32.ts";
import { Cpu } from "../../src/cpu/cpu.ts";
import type { CpuEnvironment } from "../../src/cpu/environment.ts";
import { Interpreter } from "../../src/cpu/interp/interpreter.ts";
import { PhysicalMemory } from "../../src/cpu/physical_memory.ts";

/** COM1 data port. */
const COM1 = 0x3f8;
/** COM1 scratch register. */
const COM1_SCRATCH = 0x3ff;
/** The debug-exit port. */
const EXIT_PORT = 0xf4;
/** CPUID.1:EDX bits of this test machine: FPU? no; DE, PSE, TSC, MSR, CX8, SEP, PGE, CMOV. */
const CPUID1_EDX = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 11) |
  (1 << 13) | (1 << 15);

/** The machine around the CPU for guest tests. */
export class GuestEnv implements CpuEnvironment {
  /** Bytes written to COM1. */
  output: number[] = [];
  /** Status written to port 0xF4, once written. */
  status: number | undefined;
  /** Port writes other than COM1, for inspection. */
  otherOuts: Array<[number, number, number]> = [];
  #scratch = 0;
  #tsc = 0n;
  /** Called when the guest writes the exit port. */
  onExit: () => void = () => {};

  portIn(port: number, _size: 1 | 2 | 4): number {
    if (port === COM1_SCRATCH) return this.#scratch;
    if (port === COM1 + 5) return 0x60; // LSR: transmitter empty
    return 0xff;
  }
  portOut(port: number, size: 1 | 2 | 4, value: number): void {
    if (port === COM1) this.output.push(value & 0xff);
    else if (port === COM1_SCRATCH) this.#scratch = value & 0xff;
    else if (port === EXIT_PORT) {
      this.status = value >>> 0;
      this.onExit();
    } else this.otherOuts.push([port, size, value]);
  }
  mmioRead(): number {
    return 0xffffffff;
  }
  mmioWrite(): void {}
  cpuid(leaf: number): [number, number, number, number] {
    if (leaf === 0) return [1, 0x756e6547, 0x6c65746e, 0x49656e69]; // "GenuineIntel"
    if (leaf === 1) return [0x633, 0, 0, CPUID1_EDX];
    return [0, 0, 0, 0];
  }
  readMsr(): bigint | undefined {
    return undefined;
  }
  writeMsr(): boolean {
    return false;
  }
  readTsc(): bigint {
    this.#tsc += 1000n;
    return this.#tsc;
  }
}

/** What a guest run produced. */
export interface GuestRun {
  /** COM1 output as text. */
  output: string;
  /** Exit status, or undefined if the guest never wrote port 0xF4. */
  status: number | undefined;
  /** Why the run ended: "exit", "halt", "triple-fault", "budget" or "timeout". */
  reason: string;
  /** Instructions executed. */
  instructions: number;
  /** The CPU, for inspection after the run. */
  cpu: Cpu;
}

/**
 * Loads the PT_LOAD segments of `elf` at their physical addresses and runs the guest.
 * @param elf the image bytes
 * @param budget most instructions to execute
 * @param timeoutMs wall-clock safety limit, so a guest that stops making progress fails a test
 *   instead of hanging it
 * @returns the output, status and end reason
 */
export function runGuest(elf: Uint8Array, budget = 5_000_000, timeoutMs = 20_000): GuestRun {
  const env = new GuestEnv();
  const cpu = new Cpu(new PhysicalMemory(32 << 20), env);
  const image = parseElf32(elf, "Cannot load guest");
  for (const seg of image.segments) {
    const bytes = new Uint8Array(seg.memsz);
    bytes.set(elf.subarray(seg.offset, seg.offset + seg.filesz));
    cpu.mem.write(seg.paddr, bytes);
  }
  cpu.enterFlatProtectedMode();
  cpu.eip = image.entry;
  cpu.setReg32(0, 0x2badb002);
  cpu.setReg32(3, 0x9000);
  const interp = new Interpreter(cpu);
  let exited = false;
  env.onExit = () => {
    exited = true;
    cpu.requestStop();
  };
  let count = 0;
  let reason = "budget";
  const deadline = Date.now() + timeoutMs;
  while (count < budget) {
    if (Date.now() > deadline) {
      reason = "timeout";
      break;
    }
    const r = interp.run(Math.min(100_000, budget - count));
    count += r.retired;
    if (r.tripleFault) {
      reason = "triple-fault";
      break;
    }
    if (exited) {
      reason = "exit";
      break;
    }
    if (cpu.halted) {
      reason = "halt";
      break;
    }
  }
  return {
    output: new TextDecoder().decode(Uint8Array.from(env.output)),
    status: env.status,
    reason,
    instructions: count,
    cpu,
  };
}
