/**
 * System instructions (SDM vol. 3 §2.5–2.8, vol. 2): control registers and their checks,
 * descriptor-table registers, ltr, cli/sti and IOPL, hlt, MSRs, rdtsc, sysenter/sysexit, the
 * x87 escapes without an x87, and the single-step trap.
 */

import assert from "node:assert/strict";
import { CR4_SUPPORTED } from "../../src/cpu/control_regs.ts";
import { GP, NM, UD } from "../../src/cpu/fault.ts";
import { IF, IOPL, TF } from "../../src/cpu/flags.ts";
import {
  CS,
  OFF_CR0,
  OFF_CR4,
  OFF_DR,
  OFF_GDTR_BASE,
  OFF_GDTR_LIMIT,
  OFF_INHIBIT_IRQ,
  OFF_TR,
  SS,
} from "../../src/cpu/state.ts";
import { CODE_ADDR, step } from "./_harness.ts";
import {
  descriptor,
  enterRing3,
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
  UCODE,
  UDATA,
} from "./_system_fixture.ts";

const CR_CASES: Array<
  { name: string; code: number[]; eax: number; fault: [number, number] | null }
> = [
  // 0f 22 c0: mov cr0, eax
  { name: "CR0 with PG but not PE", code: [0x0f, 0x22, 0xc0], eax: 0x80000000 | 0, fault: [GP, 0] },
  { name: "CR0 with NW but not CD", code: [0x0f, 0x22, 0xc0], eax: 0x20000001, fault: [GP, 0] },
  { name: "CR0 = PE|ET", code: [0x0f, 0x22, 0xc0], eax: 0x11, fault: null },
  // 0f 22 e0: mov cr4, eax
  { name: "CR4 = PSE|PGE", code: [0x0f, 0x22, 0xe0], eax: 0x90, fault: null },
  { name: "CR4.VME (not implemented)", code: [0x0f, 0x22, 0xe0], eax: 0x1, fault: [GP, 0] },
  { name: "CR4.PAE (not implemented)", code: [0x0f, 0x22, 0xe0], eax: 0x20, fault: [GP, 0] },
];

for (const c of CR_CASES) {
  Deno.test(`mov ${c.name} -> ${c.fault === null ? "accepted" : "#GP(0)"}`, () => {
    const { cpu } = systemCpu(c.code);
    cpu.setReg32(0, c.eax);
    assert.deepEqual(faultOf(exec(cpu)), c.fault);
  });
}

Deno.test("CR4_SUPPORTED is TSD, DE, PSE, PGE and PCE", () => {
  assert.equal(CR4_SUPPORTED, 0x4 | 0x8 | 0x10 | 0x80 | 0x100);
});

Deno.test("mov to a control register at CPL 3 raises #GP(0)", () => {
  // 0f 22 d8: mov cr3, eax
  const { cpu } = systemCpu([0x0f, 0x22, 0xd8]);
  enterRing3(cpu);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
});

Deno.test("lmsw sets PE but cannot clear it; smsw r32 stores CR0", () => {
  // 0f 01 f0: lmsw ax; 0f 01 e3: smsw ebx
  const { cpu } = systemCpu([0x0f, 0x01, 0xf0, 0x0f, 0x01, 0xe3]);
  cpu.setReg32(0, 0x000a); // MP|TS, PE clear
  exec(cpu);
  assert.equal(cpu.cr0 & 0xf, 0xb);
  exec(cpu);
  assert.equal(cpu.reg32(3), cpu.cr0);
});

Deno.test("lgdt with 16-bit operand size keeps 24 bits of the base; sgdt stores it", () => {
  // 66 0f 01 15 00 50 00 00: lgdt [0x5000] (o16); 0f 01 05 00 60 00 00: sgdt [0x6000]
  const { cpu } = systemCpu([
    0x66,
    0x0f,
    0x01,
    0x15,
    0,
    0x50,
    0,
    0,
    0x0f,
    0x01,
    0x05,
    0,
    0x60,
    0,
    0,
  ]);
  cpu.mem.write(0x5000, Uint8Array.of(0xff, 0x01, 0x44, 0x33, 0x22, 0x11));
  exec(cpu);
  assert.equal(cpu.i32[OFF_GDTR_BASE >> 2], 0x223344);
  assert.equal(cpu.i32[OFF_GDTR_LIMIT >> 2], 0x1ff);
  exec(cpu);
  assert.deepEqual([...cpu.mem.read(0x6000, 6)], [0xff, 0x01, 0x44, 0x33, 0x22, 0x00]);
});

Deno.test("ltr marks the TSS busy; ltr of a busy TSS raises #GP(selector)", () => {
  // 0f 00 d8: ltr ax
  const { cpu } = systemCpu([0x0f, 0x00, 0xd8]);
  setGdt(cpu, 0x40, descriptor(0x14000, 0x67, 0x89, 0));
  cpu.setReg32(0, 0x40);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.i32[OFF_TR >> 2], 0x40);
  assert.equal(cpu.mem.read(GDT + 0x45, 1)[0], 0x8b);
  load(cpu, [0x0f, 0x00, 0xd8]);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0x40]);
});

Deno.test("cli/sti at CPL 3 need IOPL 3; sti inhibits interrupts only when IF was clear", () => {
  // fa: cli; fb: sti
  const { cpu } = systemCpu([0xfa]);
  enterRing3(cpu);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
  cpu.setRawFlagBits(IOPL, true);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.rawFlags & IF, 0);
  load(cpu, [0xfb, 0xfb]);
  exec(cpu);
  assert.equal(cpu.rawFlags & IF, IF);
  assert.equal(cpu.i32[OFF_INHIBIT_IRQ >> 2], 1);
  cpu.i32[OFF_INHIBIT_IRQ >> 2] = 0;
  exec(cpu);
  assert.equal(cpu.i32[OFF_INHIBIT_IRQ >> 2], 0, "sti with IF already set opens no shadow");
});

Deno.test("hlt at CPL 0 halts and stops the run loop; at CPL 3 it raises #GP(0)", () => {
  // f4: hlt
  const { cpu } = systemCpu([0xf4]);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.halted, true);
  assert.equal(cpu.stopRequested, true);
  cpu.halted = false;
  load(cpu, [0xf4]);
  enterRing3(cpu);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
});

Deno.test("wrmsr/rdmsr keep the SYSENTER MSRs in CPU state; unknown MSRs raise #GP(0)", () => {
  // 0f 30: wrmsr; 0f 32: rdmsr
  const { cpu } = systemCpu([0x0f, 0x30, 0x0f, 0x32, 0x0f, 0x32]);
  cpu.setReg32(1, 0x175);
  cpu.setReg32(0, 0x9000);
  cpu.setReg32(2, 0);
  exec(cpu);
  cpu.setReg32(0, 0);
  exec(cpu);
  assert.equal(cpu.reg32(0), 0x9000);
  cpu.setReg32(1, 0x1234);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
});

Deno.test("rdtsc with CR4.TSD raises #GP(0) at CPL 3 only", () => {
  // 0f 31: rdtsc
  const { cpu } = systemCpu([0x0f, 0x31]);
  cpu.i32[OFF_CR4 >> 2] = 0x4;
  assert.equal(exec(cpu), null);
  load(cpu, [0x0f, 0x31]);
  enterRing3(cpu);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
});

Deno.test("sysexit to ring 3 and sysenter back use the flat segments derived from SYSENTER_CS", () => {
  // 0f 35: sysexit; at 0x3000: 0f 34 (sysenter)
  const { cpu } = systemCpu([0x0f, 0x35]);
  cpu.i32[280 >> 2] = KCODE;
  cpu.i32[284 >> 2] = 0x9000;
  cpu.i32[288 >> 2] = 0x4000;
  cpu.setReg32(1, 0x7000);
  cpu.setReg32(2, 0x3000);
  cpu.mem.write(0x3000, Uint8Array.of(0x0f, 0x34));
  assert.equal(exec(cpu), null);
  assert.deepEqual([cpu.cpl, cpu.segSelector(CS), cpu.segSelector(SS)], [3, UCODE, UDATA]);
  assert.deepEqual([cpu.eip, cpu.reg32(4)], [0x3000, 0x7000]);
  cpu.setRawFlagBits(IF, true);
  assert.equal(exec(cpu), null);
  assert.deepEqual([cpu.cpl, cpu.segSelector(CS), cpu.segSelector(SS)], [0, KCODE, KDATA]);
  assert.deepEqual([cpu.eip, cpu.reg32(4), cpu.rawFlags & IF], [0x4000, 0x9000, 0]);
});

Deno.test("sysenter with SYSENTER_CS = 0 raises #GP(0)", () => {
  const { cpu } = systemCpu([0x0f, 0x34]);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
});

const X87_CASES: Array<
  { name: string; cr0: number; code: number[]; fault: [number, number] | null }
> = [
  // d9 e8: fld1
  { name: "fld1 with CR0.EM", cr0: 0x4, code: [0xd9, 0xe8], fault: [NM, -1] },
  { name: "fld1 with CR0.TS", cr0: 0x8, code: [0xd9, 0xe8], fault: [NM, -1] },
  { name: "fld1 without an x87", cr0: 0, code: [0xd9, 0xe8], fault: [UD, -1] },
  // 9b: fwait
  { name: "fwait with TS and MP", cr0: 0xa, code: [0x9b], fault: [NM, -1] },
  { name: "fwait with TS only", cr0: 0x8, code: [0x9b], fault: null },
];

for (const c of X87_CASES) {
  Deno.test(`${c.name} -> ${c.fault === null ? "no fault" : `#${c.fault[0]}`}`, () => {
    const { cpu } = systemCpu(c.code);
    cpu.i32[OFF_CR0 >> 2] |= c.cr0;
    assert.deepEqual(faultOf(exec(cpu)), c.fault);
  });
}

Deno.test("ud2 raises #UD", () => {
  const { cpu } = systemCpu([0x0f, 0x0b]);
  assert.deepEqual(faultOf(exec(cpu)), [UD, -1]);
});

Deno.test("mov ss, ax opens the one-instruction interrupt shadow", () => {
  // 8e d0: mov ss, ax
  const { cpu } = systemCpu([0x8e, 0xd0]);
  cpu.setReg32(0, KDATA);
  exec(cpu);
  assert.equal(cpu.i32[OFF_INHIBIT_IRQ >> 2], 1);
});

Deno.test("single step: #DB after the instruction that began with TF, DR6.BS set", () => {
  // 90: nop; 90: nop
  const { cpu, interp } = systemCpu([0x90, 0x90]);
  setIdt(cpu, 1, gate(KCODE, 0x3000, 0x8e));
  cpu.setRawFlagBits(TF, true);
  step(interp);
  assert.equal(cpu.eip, 0x3000);
  assert.equal(cpu.mem.readU32(cpu.reg32(4)), CODE_ADDR + 1, "trap: EIP of the next instruction");
  assert.equal(cpu.i32[(OFF_DR >> 2) + 6] & 0x4000, 0x4000);
  assert.equal(cpu.rawFlags & TF, 0);
});
