/**
 * Far transfers and software interrupts (SDM vol. 3 §5.8, §6.12, §20.2; vol. 2 JMP, CALL, RET,
 * IRET, INT n, BOUND): real mode, code segments and the conforming rules, call gates with the
 * stack switch and parameter copy, returns to an outer level, iret to virtual-8086 mode.
 */

import assert from "node:assert/strict";
import { BR, GP, NP, OFV } from "../../src/cpu/fault.ts";
import { IF, OF, VM } from "../../src/cpu/flags.ts";
import { CS, DS, ES, OFF_IDTR_LIMIT, SS } from "../../src/cpu/state.ts";
import { CODE_ADDR, realCpu, step } from "./_harness.ts";
import {
  descriptor,
  enterRing3,
  exec,
  faultOf,
  gate,
  KCODE,
  KDATA,
  load,
  setGdt,
  setIdt,
  systemCpu,
  UCODE,
  UDATA,
} from "./_system_fixture.ts";

Deno.test("real mode: jmp far loads CS = selector and base = selector * 16", () => {
  // ea 00 20 34 12: jmp 1234:2000
  const { cpu, interp } = realCpu([0xea, 0x00, 0x20, 0x34, 0x12]);
  cpu.setSegmentCache(CS, 0, 0, 0xffff, cpu.segAttrs(CS));
  step(interp);
  assert.equal(cpu.segSelector(CS), 0x1234);
  assert.equal(cpu.segBase(CS), 0x12340);
  assert.equal(cpu.eip, 0x2000);
});

Deno.test("real mode: call far pushes CS and IP, retf pops them", () => {
  // 9a 00 20 00 01: call 0100:2000; at 0x3000: cb (retf)
  const { cpu, interp } = realCpu([0x9a, 0x00, 0x20, 0x00, 0x01]);
  cpu.mem.write(0x3000, Uint8Array.of(0xcb));
  step(interp);
  assert.equal(cpu.segBase(CS), 0x1000);
  assert.equal(cpu.reg16(4), 0x8000 - 4);
  assert.equal(cpu.mmu.read16(0x8000 - 2), 0);
  assert.equal(cpu.mmu.read16(0x8000 - 4), CODE_ADDR + 5);
  step(interp);
  assert.equal(cpu.segSelector(CS), 0);
  assert.equal(cpu.eip, CODE_ADDR + 5);
  assert.equal(cpu.reg16(4), 0x8000);
});

Deno.test("real mode: int 0x10 goes through the IVT and iret returns with FLAGS", () => {
  // cd 10: int 0x10; handler at 0200:0000: cf (iret)
  const { cpu, interp } = realCpu([0xcd, 0x10]);
  cpu.i32[OFF_IDTR_LIMIT >> 2] = 0x3ff; // the power-on IDTR limit is 0xFFFF (SDM §9.1.1)
  cpu.mem.writeU32(0x10 * 4, 0x0200_0000);
  cpu.mem.write(0x2000, Uint8Array.of(0xcf));
  cpu.setRawFlagBits(IF, true);
  step(interp);
  assert.equal(cpu.segSelector(CS), 0x200);
  assert.equal(cpu.rawFlags & IF, 0);
  step(interp);
  assert.equal(cpu.eip, CODE_ADDR + 2);
  assert.equal(cpu.rawFlags & IF, IF);
});

const JMP_CASES: Array<{
  name: string;
  access: number; // descriptor at 0x40
  ring3?: boolean;
  sel: number;
  fault: [number, number] | null;
  cpl?: number;
}> = [
  { name: "non-conforming DPL 0 from CPL 0", access: 0x9a, sel: 0x40, fault: null, cpl: 0 },
  { name: "data segment", access: 0x92, sel: 0x40, fault: [GP, 0x40] },
  { name: "non-conforming DPL 3 from CPL 0", access: 0xfa, sel: 0x40, fault: [GP, 0x40] },
  { name: "RPL 3 > CPL 0", access: 0x9a, sel: 0x43, fault: [GP, 0x40] },
  {
    name: "conforming DPL 0 from CPL 3 (CPL stays 3)",
    access: 0x9e,
    sel: 0x43,
    ring3: true,
    fault: null,
    cpl: 3,
  },
  { name: "conforming DPL 3 from CPL 0", access: 0xfe, sel: 0x40, fault: [GP, 0x40] },
  { name: "not present", access: 0x1a, sel: 0x40, fault: [NP, 0x40] },
  { name: "null selector", access: 0x9a, sel: 0, fault: [GP, 0] },
];

for (const c of JMP_CASES) {
  Deno.test(`jmp far to ${c.name} -> ${c.fault === null ? "jumps" : `#${c.fault[0]}`}`, () => {
    // ea 00 20 00 00 xx 00: jmp sel:0x2000
    const { cpu } = systemCpu([0xea, 0x00, 0x20, 0x00, 0x00, c.sel, 0x00]);
    setGdt(cpu, 0x40, descriptor(0, 0xfffff, c.access, 0xc));
    if (c.ring3) enterRing3(cpu);
    assert.deepEqual(faultOf(exec(cpu)), c.fault);
    if (c.fault === null) {
      assert.equal(cpu.eip, 0x2000);
      assert.equal(cpu.cpl, c.cpl);
      assert.equal(cpu.segSelector(CS), 0x40 | c.cpl!);
    } else {
      assert.equal(cpu.eip, CODE_ADDR);
    }
  });
}

Deno.test("jmp far beyond the target's limit raises #GP(0)", () => {
  // ea 00 20 00 00 40 00: jmp 0x40:0x2000
  const { cpu } = systemCpu([0xea, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00]);
  setGdt(cpu, 0x40, descriptor(0, 0xfff, 0x9a, 0x4));
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
});

/** Ring 3 calls through a DPL-3 32-bit call gate (2 parameters) to KCODE:0x3000. */
function callGateCpu() {
  // 9a 00 00 00 00 43 00: call 0x43:0
  const m = systemCpu([0x9a, 0, 0, 0, 0, 0x43, 0x00]);
  setGdt(m.cpu, 0x40, gate(KCODE, 0x3000, 0xec, 2));
  enterRing3(m.cpu);
  m.cpu.setReg32(4, 0x7000 - 8);
  m.cpu.mem.writeU32(0x7000 - 8, 0x2222);
  m.cpu.mem.writeU32(0x7000 - 4, 0x1111);
  return m;
}

Deno.test("call through a call gate to ring 0 switches to SS0:ESP0 and copies the parameters", () => {
  const { cpu } = callGateCpu();
  assert.equal(exec(cpu), null);
  assert.equal(cpu.cpl, 0);
  assert.equal(cpu.segSelector(CS), KCODE);
  assert.equal(cpu.segSelector(SS), KDATA);
  assert.equal(cpu.eip, 0x3000);
  const esp = cpu.reg32(4);
  assert.equal(esp, 0x9000 - 24);
  const frame = [0, 4, 8, 12, 16, 20].map((o) => cpu.mem.readU32(esp + o));
  assert.deepEqual(frame, [CODE_ADDR + 7, UCODE, 0x2222, 0x1111, 0x7000 - 8, UDATA]);
});

Deno.test("retf 8 returns to ring 3, pops SS:ESP past the parameters and nulls DPL-0 DS", () => {
  const { cpu } = callGateCpu();
  exec(cpu);
  cpu.mem.write(0x3000, Uint8Array.of(0xca, 0x08, 0x00)); // retf 8
  cpu.setSegmentCache(DS, KDATA, 0, 0xffffffff, 0xc093);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.cpl, 3);
  assert.equal(cpu.segSelector(CS), UCODE);
  assert.equal(cpu.segSelector(SS), UDATA);
  assert.equal(cpu.reg32(4), 0x7000);
  assert.equal(cpu.eip, CODE_ADDR + 7);
  assert.equal(cpu.segSelector(DS), 0);
  assert.equal(cpu.segSelector(ES), UDATA);
});

Deno.test("call gate with DPL 0 from ring 3 raises #GP(gate selector)", () => {
  const { cpu } = callGateCpu();
  setGdt(cpu, 0x40, gate(KCODE, 0x3000, 0x8c, 2));
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0x40]);
  assert.equal(cpu.reg32(4), 0x7000 - 8);
});

Deno.test("int 0x80 from ring 3 through a DPL-3 trap gate, iret back to ring 3", () => {
  // cd 80: int 0x80; handler at 0x3000: cf (iretd)
  const { cpu } = systemCpu([0xcd, 0x80]);
  setIdt(cpu, 0x80, gate(KCODE, 0x3000, 0xef));
  cpu.mem.write(0x3000, Uint8Array.of(0xcf));
  enterRing3(cpu);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.cpl, 0);
  assert.equal(cpu.reg32(4), 0x9000 - 20);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.cpl, 3);
  assert.equal(cpu.eip, CODE_ADDR + 2);
  assert.equal(cpu.reg32(4), 0x8000);
  assert.equal(cpu.segSelector(SS), UDATA);
});

Deno.test("int 0x80 from ring 3 through a DPL-0 gate raises #GP(vector * 8 + 2)", () => {
  const { cpu } = systemCpu([0xcd, 0x80]);
  setIdt(cpu, 0x80, gate(KCODE, 0x3000, 0x8e));
  enterRing3(cpu);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0x80 * 8 + 2]);
});

Deno.test("into traps only with OF set; bound raises #BR outside the bounds", () => {
  // ce: into
  const { cpu } = systemCpu([0xce]);
  setIdt(cpu, OFV, gate(KCODE, 0x3000, 0x8e));
  cpu.setArithBits(OF, false);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.eip, CODE_ADDR + 1);
  load(cpu, [0xce]);
  cpu.setArithBits(OF, true);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.eip, 0x3000);
  // 62 05 00 50 00 00: bound eax, [0x5000] (bounds 0..10)
  load(cpu, [0x62, 0x05, 0x00, 0x50, 0x00, 0x00]);
  cpu.mem.writeU32(0x5000, 0);
  cpu.mem.writeU32(0x5004, 10);
  cpu.setReg32(0, 10);
  assert.equal(exec(cpu), null);
  load(cpu, [0x62, 0x05, 0x00, 0x50, 0x00, 0x00]);
  cpu.setReg32(0, -1);
  assert.deepEqual(faultOf(exec(cpu)), [BR, -1]);
});

Deno.test("iretd at CPL 0 with VM set enters virtual-8086 mode and pops ES, DS, FS, GS", () => {
  // cf: iretd
  const { cpu } = systemCpu([0xcf]);
  const frame = [0x0100, 0x0800, 0x23002 | 0, 0x0f00, 0x0700, 0x1000, 0x0900, 0x2000, 0x3000];
  frame.forEach((v, n) => cpu.mem.writeU32(0x8000 - 36 + n * 4, v));
  cpu.setReg32(4, 0x8000 - 36);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.rawFlags & VM, VM);
  assert.equal(cpu.cpl, 3);
  assert.equal(cpu.segBase(CS), 0x8000);
  assert.equal(cpu.eip, 0x100);
  assert.equal(cpu.segBase(SS), 0x7000);
  assert.equal(cpu.reg32(4), 0x0f00);
  assert.deepEqual([ES, DS, 4, 5].map((s) => cpu.segSelector(s)), [0x1000, 0x0900, 0x2000, 0x3000]);
});

Deno.test("int n in virtual-8086 mode with IOPL < 3 raises #GP(0)", () => {
  const { cpu } = systemCpu([0xcf]);
  const frame = [0x0100, 0x0800, 0x20002, 0x0f00, 0x0700, 0, 0, 0, 0];
  frame.forEach((v, n) => cpu.mem.writeU32(0x8000 - 36 + n * 4, v));
  cpu.setReg32(4, 0x8000 - 36);
  exec(cpu);
  cpu.mem.write(0x8100, Uint8Array.of(0xcd, 0x21)); // int 0x21
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
});
