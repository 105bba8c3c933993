/**
 * Interpreter speed in guest instructions per second, on a register-only loop and on a
 * load/store-heavy loop (code bytes built here; flat 32-bit protected mode).
 */

import { Cpu } from "../src/cpu/cpu.ts";
import type { CpuEnvironment } from "../src/cpu/environment.ts";
import { Interpreter } from "../src/cpu/interp/interpreter.ts";
import { PhysicalMemory } from "../src/cpu/physical_memory.ts";

const CODE = 0x1000;
/** Guest instructions per benchmark iteration. */
const BUDGET = 1_000_000;

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

/** An endless loop body: each pass is `count` instructions ending in a backward jmp. */
function machine(body: number[]): Interpreter {
  const cpu = new Cpu(new PhysicalMemory(4 << 20), env);
  cpu.enterFlatProtectedMode();
  // eb rel8: jmp back to the start of the body
  const code = [...body, 0xeb, (-(body.length + 2)) & 0xff];
  cpu.mem.write(CODE, Uint8Array.from(code));
  cpu.eip = CODE;
  cpu.setReg32(4, 0x8000);
  cpu.setReg32(6, 0x10000); // ESI: the data the load/store loop walks
  return new Interpreter(cpu);
}

// Register only (8 instructions a pass):
// 01 d8 add eax, ebx / 83 c1 01 add ecx, 1 / 31 c2 xor edx, eax / 89 d3 mov ebx, edx
// c1 e0 03 shl eax, 3 / 21 c8 and eax, ecx / 4f dec edi / (jmp)
const REGISTER_LOOP = [
  0x01,
  0xd8,
  0x83,
  0xc1,
  0x01,
  0x31,
  0xc2,
  0x89,
  0xd3,
  0xc1,
  0xe0,
  0x03,
  0x21,
  0xc8,
  0x4f,
];
// Load/store heavy (8 instructions a pass):
// 8b 06 mov eax, [esi] / 03 46 04 add eax, [esi+4] / 89 46 08 mov [esi+8], eax
// ff 46 0c inc dword [esi+12] / 8b 5e 10 mov ebx, [esi+16] / 89 1e mov [esi], ebx
// 01 46 14 add [esi+20], eax / (jmp)
const MEMORY_LOOP = [
  0x8b,
  0x06,
  0x03,
  0x46,
  0x04,
  0x89,
  0x46,
  0x08,
  0xff,
  0x46,
  0x0c,
  0x8b,
  0x5e,
  0x10,
  0x89,
  0x1e,
  0x01,
  0x46,
  0x14,
];

const registers = machine(REGISTER_LOOP);
const memory = machine(MEMORY_LOOP);

Deno.bench({
  name: `register-only loop, ${BUDGET} guest instructions`,
  group: "interpreter",
  fn() {
    registers.run(BUDGET);
  },
});

Deno.bench({
  name: `load/store loop, ${BUDGET} guest instructions`,
  group: "interpreter",
  fn() {
    memory.run(BUDGET);
  },
});
