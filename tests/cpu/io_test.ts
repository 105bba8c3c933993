/**
 * Port I/O (SDM vol. 1 §18.5, vol. 2 IN, OUT, INS, OUTS): the instruction forms, the I/O
 * permission bitmap at CPL > IOPL and in virtual-8086 mode, and the string forms with REP.
 */

import assert from "node:assert/strict";
import { GP } from "../../src/cpu/fault.ts";
import { DF, IOPL } from "../../src/cpu/flags.ts";
import { OFF_TR, SEG_LIMIT } from "../../src/cpu/state.ts";
import { CODE_ADDR } from "./_harness.ts";
import { enterRing3, exec, faultOf, systemCpu, TSS } from "./_system_fixture.ts";

const FORMS: Array<{ name: string; code: number[]; dx?: number; out?: [number, number, number] }> =
  [
    // e6 80: out 0x80, al
    { name: "out 0x80, al", code: [0xe6, 0x80], out: [0x80, 1, 0x78] },
    // e7 f4: out 0xf4, eax (an immediate port is zero-extended)
    { name: "out 0xf4, eax", code: [0xe7, 0xf4], out: [0xf4, 4, 0x12345678] },
    // 66 ef: out dx, ax
    { name: "out dx, ax", code: [0x66, 0xef], dx: 0x3f8, out: [0x3f8, 2, 0x5678] },
  ];

for (const c of FORMS) {
  Deno.test(`${c.name} writes ${c.out![1]} byte(s) to port 0x${c.out![0].toString(16)}`, () => {
    const { cpu, env } = systemCpu(c.code);
    cpu.setReg32(0, 0x12345678);
    if (c.dx !== undefined) cpu.setReg32(2, c.dx);
    assert.equal(exec(cpu), null);
    assert.deepEqual(env.outs, [c.out]);
  });
}

Deno.test("in al, dx and in eax, 0x60 read the port into the accumulator", () => {
  // ec: in al, dx; e5 60: in eax, 0x60
  const { cpu, env } = systemCpu([0xec, 0xe5, 0x60]);
  env.ins.set(0x3ff, 0x5a);
  env.ins.set(0x60, 0x11223344);
  cpu.setReg32(0, -1);
  cpu.setReg32(2, 0x3ff);
  exec(cpu);
  assert.equal(cpu.reg32(0), 0xffffff5a | 0);
  exec(cpu);
  assert.equal(cpu.reg32(0), 0x11223344);
});

/** A ring-3 CPU with IOPL 0 whose TSS has an I/O bitmap at offset 0x68 that allows only port 0x3FF. */
function bitmapCpu(code: number[]) {
  const m = systemCpu(code);
  const { cpu } = m;
  cpu.mem.write(TSS + 0x68, new Uint8Array(0x2000).fill(0xff));
  cpu.mem.write(TSS + 0x68 + 0x2000, Uint8Array.of(0xff));
  cpu.mem.write(TSS + 0x68 + (0x3ff >> 3), Uint8Array.of(0x7f));
  cpu.i32[(OFF_TR + SEG_LIMIT) >> 2] = 0x68 + 0x2000;
  enterRing3(cpu);
  return m;
}

const BITMAP_CASES: Array<{ name: string; code: number[]; dx: number; allowed: boolean }> = [
  { name: "in al, dx at an allowed port", code: [0xec], dx: 0x3ff, allowed: true },
  { name: "in al, dx at a denied port", code: [0xec], dx: 0x3fe, allowed: false },
  {
    name: "in ax, dx straddling into a denied port",
    code: [0x66, 0xed],
    dx: 0x3ff,
    allowed: false,
  },
  { name: "out dx, al at port 0xFFFF (denied)", code: [0xee], dx: 0xffff, allowed: false },
];

for (const c of BITMAP_CASES) {
  Deno.test(`CPL 3 > IOPL: ${c.name} -> ${c.allowed ? "allowed" : "#GP(0)"}`, () => {
    const { cpu } = bitmapCpu(c.code);
    cpu.setReg32(2, c.dx);
    assert.deepEqual(faultOf(exec(cpu)), c.allowed ? null : [GP, 0]);
  });
}

Deno.test("IOPL 3 allows every port at CPL 3 without reading the bitmap", () => {
  const { cpu } = bitmapCpu([0xec]);
  cpu.setRawFlagBits(IOPL, true);
  cpu.setReg32(2, 0x3fe);
  assert.equal(exec(cpu), null);
});

Deno.test("a TSS without room for the bitmap denies I/O at CPL > IOPL", () => {
  const { cpu } = systemCpu([0xec]); // the fixture TSS ends at its I/O map base
  enterRing3(cpu);
  cpu.setReg32(2, 0x3ff);
  assert.deepEqual(faultOf(exec(cpu)), [GP, 0]);
});

Deno.test("rep outsb writes ECX bytes from DS:ESI and advances ESI", () => {
  // f3 6e: rep outsb
  const { cpu, env } = systemCpu([0xf3, 0x6e]);
  cpu.mem.write(0x5000, new TextEncoder().encode("hi!"));
  cpu.setReg32(1, 3);
  cpu.setReg32(2, 0xe9);
  cpu.setReg32(6, 0x5000);
  exec(cpu);
  assert.deepEqual(env.outs.map((o) => o[2]), [0x68, 0x69, 0x21]);
  assert.equal(cpu.reg32(6), 0x5003);
  assert.equal(cpu.reg32(1), 0);
});

Deno.test("rep insw with DF set stores downwards at ES:EDI", () => {
  // f3 66 6d: rep insw (DF set)
  const { cpu, env } = systemCpu([0xf3, 0x66, 0x6d]);
  env.ins.set(0x1f0, 0xbeef);
  cpu.setRawFlagBits(DF, true);
  cpu.setReg32(1, 2);
  cpu.setReg32(2, 0x1f0);
  cpu.setReg32(7, 0x5002);
  exec(cpu);
  assert.equal(cpu.mem.readU32(0x5000) >>> 0, 0xbeefbeef);
  assert.equal(cpu.reg32(7), 0x4ffe);
});

Deno.test("a long rep insb yields to the run loop with EIP on the instruction", () => {
  // f3 6c: rep insb
  const { cpu } = systemCpu([0xf3, 0x6c]);
  cpu.setReg32(1, 100_000);
  cpu.setReg32(2, 0x80);
  cpu.setReg32(7, 0x100000);
  exec(cpu);
  assert.equal(cpu.eip, CODE_ADDR);
  assert.ok(cpu.reg32(1) > 0 && cpu.reg32(1) < 100_000);
  assert.equal(cpu.stopRequested, true);
});
