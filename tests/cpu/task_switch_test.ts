/**
 * Hardware task switches (SDM vol. 3 §7.3–7.4): jmp and call to a TSS, iret through the back
 * link, busy bits, EFLAGS.NT, CR0.TS, CR3 loading, task gates in the IDT and error codes.
 */

import assert from "node:assert/strict";
import type { Cpu } from "../../src/cpu/cpu.ts";
import { GP } from "../../src/cpu/fault.ts";
import { NT } from "../../src/cpu/flags.ts";
import { deliverFault } from "../../src/cpu/exceptions.ts";
import { CpuFault } from "../../src/cpu/fault.ts";
import { CS, OFF_CR0, OFF_CR3 } from "../../src/cpu/state.ts";
import { CODE_ADDR } from "./_harness.ts";
import {
  descriptor,
  exec,
  faultOf,
  gate,
  GDT,
  KCODE,
  KDATA,
  load,
  setGdt,
  setIdt,
  systemCpu,
  TSS,
  TSS_SEL,
} from "./_system_fixture.ts";

const TSS_B = 0x13000;
const TSS_B_SEL = 0x30;

/** Fills a 32-bit TSS for a ring-0 task starting at `eip` with recognisable registers. */
function initTask(cpu: Cpu, base: number, eip: number): void {
  const words: Record<number, number> = {
    0x1c: 0x30000, // CR3
    0x20: eip,
    0x24: 0x2, // EFLAGS
    0x28: 0x11111111, // EAX
    0x2c: 0x33333333, // ECX
    0x38: 0x6000, // ESP
    0x48: KDATA,
    0x4c: KCODE,
    0x50: KDATA,
    0x54: KDATA,
    0x58: KDATA,
    0x5c: KDATA,
  };
  for (let o = 0; o < 0x68; o += 4) cpu.mem.writeU32(base + o, words[o] ?? 0);
  setGdt(cpu, TSS_B_SEL, descriptor(base, 0x67, 0x89, 0));
}

function tssType(cpu: Cpu, sel: number): number {
  return cpu.mem.read(GDT + sel + 5, 1)[0] & 0xf;
}

Deno.test("jmp to a TSS saves the old task, loads the new one and moves the busy bit", () => {
  // ea 00 00 00 00 30 00: jmp 0x30:0
  const { cpu } = systemCpu([0xea, 0, 0, 0, 0, TSS_B_SEL, 0]);
  initTask(cpu, TSS_B, 0x4000);
  cpu.setReg32(6, 0xabcd1234);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.eip, 0x4000);
  assert.equal(cpu.reg32(0), 0x11111111);
  assert.equal(cpu.reg32(4), 0x6000);
  assert.equal(cpu.i32[OFF_CR3 >> 2], 0x30000);
  assert.equal(cpu.cr0 & 8, 8, "CR0.TS");
  assert.equal(cpu.segSelector(CS), KCODE);
  assert.equal(cpu.rawFlags & NT, 0);
  assert.equal(tssType(cpu, TSS_SEL), 0x9, "old TSS available");
  assert.equal(tssType(cpu, TSS_B_SEL), 0xb, "new TSS busy");
  assert.equal(cpu.mem.readU32(TSS + 0x20), CODE_ADDR + 7, "old EIP saved");
  assert.equal(cpu.mem.readU32(TSS + 0x40), 0xabcd1234, "old ESI saved");
  assert.equal(cpu.mem.readU32(TSS_B) & 0xffff, 0, "no back link");
});

Deno.test("call to a TSS nests (NT, back link, both busy); iret returns to the caller", () => {
  // 9a 00 00 00 00 30 00: call 0x30:0; task B at 0x4000: cf (iretd)
  const { cpu } = systemCpu([0x9a, 0, 0, 0, 0, TSS_B_SEL, 0]);
  initTask(cpu, TSS_B, 0x4000);
  cpu.mem.write(0x4000, Uint8Array.of(0xcf));
  cpu.mem.writeU32(TSS + 0x1c, 0x20000); // caller's CR3
  cpu.i32[OFF_CR0 >> 2] &= ~8;
  assert.equal(exec(cpu), null);
  assert.equal(cpu.rawFlags & NT, NT);
  assert.equal(cpu.mem.readU32(TSS_B) & 0xffff, TSS_SEL);
  assert.equal(tssType(cpu, TSS_SEL), 0xb);
  assert.equal(tssType(cpu, TSS_B_SEL), 0xb);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.eip, CODE_ADDR + 7);
  assert.equal(cpu.rawFlags & NT, 0);
  assert.equal(cpu.i32[OFF_CR3 >> 2], 0x20000);
  assert.equal(tssType(cpu, TSS_B_SEL), 0x9);
  assert.equal(tssType(cpu, TSS_SEL), 0xb);
  assert.equal(cpu.mem.readU32(TSS_B + 0x24) & NT, 0, "NT cleared in the saved image");
  assert.equal(cpu.mem.readU32(TSS_B + 0x20), 0x4001, "task B resumes after its iret");
});

Deno.test("call to a busy TSS raises #GP(selector) and changes nothing", () => {
  // 9a 00 00 00 00 28 00: call 0x28:0 (the running task)
  const { cpu } = systemCpu([0x9a, 0, 0, 0, 0, TSS_SEL, 0]);
  assert.deepEqual(faultOf(exec(cpu)), [GP, TSS_SEL]);
  assert.equal(cpu.eip, CODE_ADDR);
});

Deno.test("an exception through a task gate pushes its error code on the new task's stack", () => {
  const { cpu } = systemCpu([0x90]);
  initTask(cpu, TSS_B, 0x4000);
  setIdt(cpu, GP, gate(TSS_B_SEL, 0, 0x85));
  assert.equal(deliverFault(cpu, new CpuFault(GP, 0x100)), true);
  assert.equal(cpu.eip, 0x4000);
  assert.equal(cpu.reg32(4), 0x6000 - 4);
  assert.equal(cpu.mem.readU32(0x6000 - 4), 0x100);
  assert.equal(cpu.rawFlags & NT, NT);
  assert.equal(cpu.mem.readU32(TSS + 0x20), CODE_ADDR, "faulting EIP saved");
});

Deno.test("int n through a task gate switches tasks and pushes nothing", () => {
  // cd 50: int 0x50
  const { cpu } = systemCpu([0xcd, 0x50]);
  initTask(cpu, TSS_B, 0x4000);
  setIdt(cpu, 0x50, gate(TSS_B_SEL, 0, 0x85));
  assert.equal(exec(cpu), null);
  assert.equal(cpu.reg32(4), 0x6000);
  assert.equal(cpu.mem.readU32(TSS + 0x20), CODE_ADDR + 2);
});

Deno.test("a new task whose CS is a data segment raises #TS(CS) in the new task", () => {
  const { cpu } = systemCpu([]);
  load(cpu, [0xea, 0, 0, 0, 0, TSS_B_SEL, 0]);
  initTask(cpu, TSS_B, 0x4000);
  cpu.mem.writeU32(TSS_B + 0x4c, KDATA);
  setIdt(cpu, 10, gate(KCODE, 0x5000, 0x8e));
  assert.equal(exec(cpu), null, "the #TS is delivered inside the switch");
  assert.equal(cpu.eip, 0x5000);
  assert.equal(cpu.mem.readU32(cpu.reg32(4)), KDATA, "error code = CS selector");
});
