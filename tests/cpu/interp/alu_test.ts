import assert from "node:assert/strict";
import { CF, OF, SF, ZF } from "../../../src/cpu/flags.ts";
import { flatCpu, step } from "../_harness.ts";

const ARITH = CF | ZF | SF | OF;

Deno.test("add eax, ebx sets CF and ZF when the sum wraps to zero", () => {
  // 01 d8: add eax, ebx
  const { cpu, interp } = flatCpu([0x01, 0xd8]);
  cpu.setReg32(0, -1);
  cpu.setReg32(3, 1);
  step(interp);
  assert.equal(cpu.reg32(0), 0);
  assert.equal(cpu.getFlags() & ARITH, CF | ZF);
});

Deno.test("sub al, 1 from 0x80 sets OF (signed overflow) and clears SF", () => {
  // 2c 01: sub al, 1
  const { cpu, interp } = flatCpu([0x2c, 0x01]);
  cpu.setReg32(0, 0x80);
  step(interp);
  assert.equal(cpu.reg8(0), 0x7f);
  assert.equal(cpu.getFlags() & ARITH, OF);
});
