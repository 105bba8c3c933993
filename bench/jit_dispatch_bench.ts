/**
 * The JIT's dispatch overhead: guest code made only of tiny blocks (one ALU instruction and a
 * jump), so nearly all the time is spent going from one compiled block to the next — directly
 * chained (`jmp rel32`), or through an indirect jump that needs a jump-cache lookup (`jmp ebx`).
 * Run with `deno bench bench/jit_dispatch_bench.ts`; the names give the blocks per iteration.
 */

import { Cpu } from "../src/cpu/cpu.ts";
import type { CpuEnvironment } from "../src/cpu/environment.ts";
import { Interpreter } from "../src/cpu/interp/interpreter.ts";
import { PhysicalMemory } from "../src/cpu/physical_memory.ts";
import { JitEngine } from "../jit/mod.ts";

const CODE = 0x1000;
/** Blocks in the ring; each is `inc eax` plus a jump to the next. */
const BLOCKS = 64;
/** Instructions per measured run (two per block). */
const STEPS = 1_000_000;

const env: CpuEnvironment = {
  portIn: () => 0xffffffff,
  portOut: () => {},
  mmioRead: () => 0xffffffff,
  mmioWrite: () => {},
  cpuid: () => [0, 0, 0, 0],
  readMsr: () => undefined,
  writeMsr: () => false,
  readTsc: () => 0n,
};

/** Little-endian bytes of a 32-bit value. */
function le32(v: number): number[] {
  return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
}

/** A ring of 8-byte blocks chained by direct jumps: inc eax; jmp rel32 (next block); pad. */
function directRing(): number[] {
  const code: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const rel = ((b + 1) % BLOCKS) * 8 - (b * 8 + 6);
    code.push(0x40, 0xe9, ...le32(rel), 0x90, 0x90);
  }
  return code;
}

/** Bytes per block of the indirect ring (a power of two, so `and` wraps it). */
const SLOT = 32;

/**
 * A ring of blocks chained by `jmp ebx`: add ebx, SLOT; and ebx, ring mask; or ebx, CODE;
 * jmp ebx — every transfer is indirect and needs the jump cache.
 */
function indirectRing(): number[] {
  const code: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const slot = [
      ...[0x83, 0xc3, SLOT], // add ebx, SLOT
      ...[0x81, 0xe3, ...le32(SLOT * BLOCKS - 1)], // and ebx, SLOT * BLOCKS - 1
      ...[0x81, 0xcb, ...le32(CODE)], // or ebx, CODE
      ...[0xff, 0xe3], // jmp ebx
    ];
    code.push(...slot, ...new Array(SLOT - slot.length).fill(0x90));
  }
  return code;
}

async function machine(code: number[], ebx: number): Promise<JitEngine> {
  const cpu = new Cpu(new PhysicalMemory(4 << 20), env);
  cpu.enterFlatProtectedMode();
  cpu.mem.write(CODE, Uint8Array.from(code));
  cpu.eip = CODE;
  cpu.setReg32(3, ebx);
  cpu.setReg32(4, 0x8000);
  const jit = await JitEngine.create(cpu, new Interpreter(cpu), { threshold: 0 });
  let left = STEPS;
  while (left > 0) left -= Math.max(1, jit.run(left).retired); // compile everything first
  return jit;
}

function runAll(jit: JitEngine): void {
  let left = STEPS;
  while (left > 0) left -= Math.max(1, jit.run(left).retired);
}

const direct = await machine(directRing(), 0);
const indirect = await machine(indirectRing(), CODE);

Deno.bench(`jit: ${STEPS / 2} blocks chained by direct jumps`, { group: "dispatch" }, () => {
  runAll(direct);
});
Deno.bench(`jit: ${STEPS / 4} blocks reached by indirect jumps`, { group: "dispatch" }, () => {
  runAll(indirect);
});
