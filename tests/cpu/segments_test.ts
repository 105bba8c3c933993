/** Segment loads and descriptor probes (SDM vol. 3 §3.4–3.5, §5.5–5.8; vol. 2 LAR, LSL, VERR). */

import assert from "node:assert/strict";
import { GP, NP, SS_FAULT } from "../../src/cpu/fault.ts";
import { ZF } from "../../src/cpu/flags.ts";
import { DS } from "../../src/cpu/state.ts";
import {
  descriptor,
  enterRing3,
  exec,
  faultOf,
  GDT,
  KCODE,
  KDATA,
  load,
  setGdt,
  systemCpu,
  UDATA,
} from "./_system_fixture.ts";

/** A selector free for each case. */
const SEL = 0x40;

const LOAD_CASES: Array<{
  name: string;
  code: number[]; // mov <sreg>, ax
  sel: number;
  access: number | null; // descriptor access byte at SEL, null = leave empty
  ring3?: boolean;
  fault: [number, number] | null;
}> = [
  // 8e d8: mov ds, ax
  { name: "null into DS", code: [0x8e, 0xd8], sel: 0, access: null, fault: null },
  // 8e d0: mov ss, ax
  { name: "null into SS", code: [0x8e, 0xd0], sel: 0, access: null, fault: [GP, 0] },
  {
    name: "beyond the GDT limit",
    code: [0x8e, 0xd8],
    sel: 0x200,
    access: null,
    fault: [GP, 0x200],
  },
  { name: "not-present data", code: [0x8e, 0xd8], sel: SEL, access: 0x12, fault: [NP, SEL] },
  { name: "execute-only code", code: [0x8e, 0xd8], sel: SEL, access: 0x98, fault: [GP, SEL] },
  { name: "readable code", code: [0x8e, 0xd8], sel: SEL, access: 0x9a, fault: null },
  { name: "system descriptor", code: [0x8e, 0xd8], sel: SEL, access: 0x89, fault: [GP, SEL] },
  { name: "RPL 3 > DPL 0", code: [0x8e, 0xd8], sel: SEL | 3, access: 0x92, fault: [GP, SEL] },
  {
    name: "DPL 0 data at CPL 3",
    code: [0x8e, 0xd8],
    sel: SEL | 3,
    access: 0x92,
    ring3: true,
    fault: [GP, SEL],
  },
  { name: "SS read-only", code: [0x8e, 0xd0], sel: SEL, access: 0x90, fault: [GP, SEL] },
  { name: "SS DPL 3 at CPL 0", code: [0x8e, 0xd0], sel: SEL, access: 0xf2, fault: [GP, SEL] },
  { name: "SS not present", code: [0x8e, 0xd0], sel: SEL, access: 0x12, fault: [SS_FAULT, SEL] },
];

for (const c of LOAD_CASES) {
  Deno.test(`mov sreg, ax: ${c.name} -> ${c.fault === null ? "loads" : `#${c.fault[0]}`}`, () => {
    const { cpu } = systemCpu(c.code);
    if (c.access !== null) setGdt(cpu, SEL, descriptor(0x1000, 0xff, c.access, 0x4));
    if (c.ring3) enterRing3(cpu);
    cpu.setReg32(0, c.sel);
    assert.deepEqual(faultOf(exec(cpu)), c.fault);
  });
}

Deno.test("mov ds sets the descriptor's accessed bit and loads base and limit", () => {
  // 8e d8: mov ds, ax
  const { cpu } = systemCpu([0x8e, 0xd8]);
  setGdt(cpu, SEL, descriptor(0x123456, 0xff, 0x92, 0x4));
  cpu.setReg32(0, SEL);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.segBase(DS), 0x123456);
  assert.equal(cpu.segLimit(DS), 0xff);
  assert.equal(cpu.mem.read(GDT + SEL + 5, 1)[0], 0x93);
});

Deno.test("mov eax, ds zero-extends the selector into a 32-bit register", () => {
  // 8c d8: mov eax, ds
  const { cpu } = systemCpu([0x8c, 0xd8]);
  cpu.setReg32(0, -1);
  exec(cpu);
  assert.equal(cpu.reg32(0), KDATA);
});

const PROBE_CASES: Array<{ name: string; code: number[]; sel: number; zf: boolean; eax?: number }> =
  [
    // 0f 02 c1: lar eax, ecx
    { name: "lar KCODE", code: [0x0f, 0x02, 0xc1], sel: KCODE, zf: true, eax: 0x00cf9a00 },
    { name: "lar null", code: [0x0f, 0x02, 0xc1], sel: 0, zf: false, eax: 0x5555 },
    { name: "lar beyond limit", code: [0x0f, 0x02, 0xc1], sel: 0x300, zf: false, eax: 0x5555 },
    // 0f 03 c1: lsl eax, ecx
    { name: "lsl flat (G=1)", code: [0x0f, 0x03, 0xc1], sel: KDATA, zf: true, eax: -1 },
    // 0f 00 e1: verr cx
    { name: "verr KCODE (readable)", code: [0x0f, 0x00, 0xe1], sel: KCODE, zf: true },
    { name: "verr KDATA RPL 3", code: [0x0f, 0x00, 0xe1], sel: KDATA | 3, zf: false },
    // 0f 00 e9: verw cx
    { name: "verw KCODE", code: [0x0f, 0x00, 0xe9], sel: KCODE, zf: false },
    { name: "verw UDATA", code: [0x0f, 0x00, 0xe9], sel: UDATA, zf: true },
  ];

for (const c of PROBE_CASES) {
  Deno.test(`${c.name}: ZF=${c.zf ? 1 : 0}`, () => {
    const { cpu } = systemCpu(c.code);
    cpu.setReg32(0, 0x5555);
    cpu.setReg32(1, c.sel);
    assert.equal(exec(cpu), null);
    assert.equal((cpu.getFlags() & ZF) !== 0, c.zf);
    if (c.eax !== undefined) assert.equal(cpu.reg32(0), c.eax);
  });
}

Deno.test("arpl raises the destination RPL to the source's and sets ZF", () => {
  // 63 c8: arpl ax, cx
  const { cpu } = systemCpu([0x63, 0xc8, 0x63, 0xc8]);
  cpu.setReg32(0, 0x10);
  cpu.setReg32(1, 0x23);
  exec(cpu);
  assert.equal(cpu.reg16(0), 0x13);
  assert.equal(cpu.getFlags() & ZF, ZF);
  exec(cpu);
  assert.equal(cpu.getFlags() & ZF, 0);
});

Deno.test("lar in real mode raises #UD", () => {
  const { cpu } = systemCpu([]);
  load(cpu, [0x0f, 0x02, 0xc1]); // lar eax, ecx
  cpu.i32[208 >> 2] &= ~1;
  cpu.refreshMode();
  assert.deepEqual(faultOf(exec(cpu)), [6, -1]);
});
