/**
 * JIT benchmarks: guest instructions per second of the interpreter and the JIT on a register
 * loop, a memory loop and a byte copy loop (the JIT with and without SIMD lanes), and
 * translation cost per block. Run with `deno bench bench/jit_bench.ts`.
 */

import { blockModeOf } from "../jit/runtime.ts";
import { Cpu } from "../src/cpu/cpu.ts";
import type { CpuEnvironment } from "../src/cpu/environment.ts";
import { Interpreter } from "../src/cpu/interp/interpreter.ts";
import { PhysicalMemory } from "../src/cpu/physical_memory.ts";
import { JitEngine } from "../jit/mod.ts";
import { planBlock } from "../jit/plan.ts";
import { translateBlocks } from "../jit/translate.ts";

const CODE = 0x1000;
/** Instructions per measured run() call sequence. */
const STEPS = 2_000_000;

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

/** A register loop: 8 ALU instructions and a dec/jnz, forever. */
const REGISTER_LOOP = [
  0x01,
  0xd8, // L: add eax,ebx
  0x81,
  0xf3,
  0x5a,
  0x5a,
  0x00,
  0x00, // xor ebx,0x5a5a
  0x8d,
  0x5c,
  0x43,
  0x03, // lea ebx,[ebx+eax*2+0x3]
  0x29,
  0xc2, // sub edx,eax
  0x39,
  0xd0, // cmp eax,edx
  0xc1,
  0xe0,
  0x03, // shl eax,3
  0x46, // inc esi
  0x21,
  0xf7, // and edi,esi
  0x49, // dec ecx
  0x75,
  0xe7, // jnz L
];

/** A memory loop: loads, stores and a read-modify-write over a 4 KiB buffer. */
const MEMORY_LOOP = [
  0x81,
  0xe6,
  0xfc,
  0x0f,
  0x00,
  0x00, // L: and esi,0xffc
  0x8b,
  0x86,
  0x00,
  0x40,
  0x00,
  0x00, // mov eax,[esi+0x4000]
  0x01,
  0xc3, // add ebx,eax
  0x89,
  0x9e,
  0x00,
  0x60,
  0x00,
  0x00, // mov [esi+0x6000],ebx
  0x01,
  0x86,
  0x00,
  0x70,
  0x00,
  0x00, // add [esi+0x7000],eax
  0x0f,
  0xb6,
  0x96,
  0x01,
  0x40,
  0x00,
  0x00, // movzx edx,byte [esi+0x4001]
  0x83,
  0xc6,
  0x04, // add esi,4
  0x49, // dec ecx
  0x75,
  0xd9, // jnz L
];

/** memcpy's byte loop copying 1 KiB, over and over: the JIT runs it in SIMD lanes by default. */
const COPY_LOOP = [
  0xbe,
  0x00,
  0x40,
  0x00,
  0x00, // L: mov esi,0x4000
  0xbf,
  0x00,
  0x80,
  0x00,
  0x00, // mov edi,0x8000
  0xb8,
  0x00,
  0x84,
  0x00,
  0x00, // mov eax,0x8400
  0xa4, // M: movsb
  0x39,
  0xc7, // cmp edi,eax
  0x75,
  0xfb, // jne M
  0x49, // dec ecx
  0x75,
  0xe9, // jnz L
];

function machine(code: number[]): { cpu: Cpu; interp: Interpreter } {
  const cpu = new Cpu(new PhysicalMemory(4 << 20), env);
  cpu.enterFlatProtectedMode();
  cpu.mem.write(CODE, Uint8Array.from(code));
  cpu.eip = CODE;
  cpu.setReg32(4, 0x9000);
  cpu.setReg32(1, 0x7fffffff);
  return { cpu, interp: new Interpreter(cpu) };
}

function runAll(run: (n: number) => { retired: number }, steps: number): void {
  let left = steps;
  while (left > 0) left -= run(Math.min(left, 100_000)).retired;
}

const LOOPS = [
  ["register loop", REGISTER_LOOP],
  ["memory loop", MEMORY_LOOP],
  ["byte copy loop", COPY_LOOP],
] as const;
for (const [name, code] of LOOPS) {
  const ref = machine([...code]);
  Deno.bench(
    `interpreter: ${name} (${STEPS} instructions)`,
    { group: name, baseline: true },
    () => {
      runAll((n) => ref.interp.run(n), STEPS);
    },
  );
  const mine = machine([...code]);
  const jit = await JitEngine.create(mine.cpu, mine.interp, { threshold: 0 });
  runAll((n) => jit.run(n), 10_000); // compile before measuring
  Deno.bench(`jit: ${name} (${STEPS} instructions)`, { group: name }, () => {
    runAll((n) => jit.run(n), STEPS);
  });
  if (code !== COPY_LOOP) continue;
  const scalar = machine([...code]);
  const one = await JitEngine.create(scalar.cpu, scalar.interp, { threshold: 0, vectorize: false });
  runAll((n) => one.run(n), 10_000);
  Deno.bench(`jit without SIMD lanes: ${name} (${STEPS} instructions)`, { group: name }, () => {
    runAll((n) => one.run(n), STEPS);
  });
}

/** Distinct straight-line blocks to translate: varied ALU and memory instructions. */
function translationBatch(count: number) {
  const { cpu } = machine([]);
  const body = [...REGISTER_LOOP.slice(0, 22), ...MEMORY_LOOP.slice(0, 38), 0xc3];
  const mode = blockModeOf(cpu);
  return Array.from({ length: count }, (_, n) => {
    const bytes = [...body.slice(n % 7), 0xc3];
    const plan = planBlock({ fetch8: (eip) => bytes[eip] ?? 0xc3 }, 0, true);
    if (plan === null) throw new Error("Cannot plan the benchmark block");
    return { plan, mode, id: n };
  });
}

const { default: binaryen } = await import("binaryen");
for (const count of [1, 32]) {
  const batch = translationBatch(count);
  Deno.bench(`translate + compile ${count} block(s) per module`, { group: "translation" }, () => {
    const { binary } = translateBlocks(binaryen, batch);
    new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
  });
}
