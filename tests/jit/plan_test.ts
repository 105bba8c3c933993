import assert from "node:assert/strict";
import { CpuFault } from "../../src/cpu/fault.ts";
import { branchTarget, planBlock, PlanBoundary } from "../../jit/plan.ts";

/** A reader over `bytes` at EIP 0 that stops (like a page end) past them. */
function reader(bytes: number[]) {
  return {
    fetch8(eip: number): number {
      if (eip >= bytes.length) throw new PlanBoundary();
      return bytes[eip];
    },
  };
}

Deno.test("planBlock() ends a block after the first F_END instruction", () => {
  // 40: inc eax; 01 d8: add eax, ebx; eb fb: jmp -5; 90: nop (not reached)
  const plan = planBlock(reader([0x40, 0x01, 0xd8, 0xeb, 0xfb, 0x90]), 0, true);
  assert.ok(plan !== null);
  assert.deepEqual(plan.instrs.map((i) => i.op.mnemonic), ["inc", "add", "jmp"]);
  assert.deepEqual(plan.eips, [0, 1, 3, 5]);
  assert.equal(plan.endsWithEnd, true);
  assert.equal(plan.selfLoop, true);
  assert.equal(plan.byteLength, 5);
});

Deno.test("planBlock() stops before an instruction that crosses the readable region", () => {
  // 40: inc eax; b8 xx: mov eax, imm32 cut off after two bytes
  const plan = planBlock(reader([0x40, 0xb8, 0x01]), 0, true);
  assert.ok(plan !== null);
  assert.equal(plan.instrs.length, 1);
  assert.equal(plan.endsWithEnd, false);
  assert.equal(plan.selfLoop, false);
});

Deno.test("planBlock() returns null when the first instruction does not decode", () => {
  assert.equal(planBlock(reader([0x0f]), 0, true), null);
  const faulting = {
    fetch8(): number {
      throw new CpuFault(14, 0);
    },
  };
  assert.equal(planBlock(faulting, 0, true), null);
});

Deno.test("planBlock() honours the instruction limit", () => {
  const plan = planBlock(reader(new Array(100).fill(0x90)), 0, true, 10);
  assert.equal(plan?.instrs.length, 10);
  assert.equal(plan?.eips[10], 10);
});

Deno.test("planBlock() does not call a call to its own entry a self-loop", () => {
  // e8 fb ff ff ff: call 0
  const plan = planBlock(reader([0xe8, 0xfb, 0xff, 0xff, 0xff]), 0, true);
  assert.equal(plan?.selfLoop, false);
});

Deno.test("branchTarget() masks 16-bit targets and rejects non-relative rows", () => {
  // 16-bit code: eb fe = jmp $ (target 0 after wrapping)
  const p16 = planBlock(reader([0xeb, 0xfe]), 0, false);
  assert.ok(p16 !== null);
  assert.equal(branchTarget(p16.instrs[0], 2), 0);
  const p = planBlock(reader([0xc3]), 0, true);
  assert.ok(p !== null);
  assert.equal(branchTarget(p.instrs[0], 1), -1);
});
