/** Tests of region formation and flag liveness (jit/region.ts), on plans only. */

import assert from "node:assert/strict";
import { planBlock } from "../../jit/plan.ts";
import {
  carryDeadAfter,
  flagsReadFirst,
  formRegion,
  MAX_REGION_INSTRS,
  successors,
  tableTargets,
} from "../../jit/region.ts";
import { hex } from "./_agree.ts";

function planner(code: number[]) {
  return (eip: number) => planBlock({ fetch8: (e) => code[e] ?? 0xf4 }, eip, true);
}

/** Nested loops: outer at 5, inner at 10, exit spin at 26. */
const NESTED = hex(
  "be 00 00 00 00" + // 0: mov esi,0
    " b9 07 00 00 00" + // 5: outer: mov ecx,7
    " 01 c8 31 c3 49 75 f9" + // 10: inner: add eax,ecx; xor ebx,eax; dec ecx; jnz inner
    " 46 81 fe e8 03 00 00 72 eb" + // 17: inc esi; cmp esi,1000; jb outer
    " eb fe", // 26: spin: jmp spin
);

Deno.test("formRegion() of an outer loop holds its inner loop, entry first, edges by index", () => {
  const planAt = planner(NESTED);
  const region = formRegion(planAt(5)!, planAt);
  assert.ok(region !== null);
  // The block at 5 runs on into the first inner iteration (mov ecx does not end a block).
  assert.deepEqual(region.blocks.map((b) => b.entryEip), [5, 10, 17]);
  assert.deepEqual(region.edges, [[1, 2], [1, 2], [0]]);
  assert.ok(region.loops);
});

Deno.test("formRegion() of an inner loop takes the enclosing loop too (it comes back)", () => {
  const planAt = planner(NESTED);
  const region = formRegion(planAt(10)!, planAt);
  assert.deepEqual(region?.blocks.map((b) => b.entryEip), [10, 17, 5]);
  // The block at 5 would run on into the inner loop's first iteration: it ends at 10 instead.
  assert.deepEqual(region?.blocks[2].instrs.length, 1);
  assert.deepEqual(region?.edges, [[0, 1], [2], [0]]);
});

/** A loop of two blocks (10 and 14) inside an outer loop; the block at 5 runs on into 10's test. */
const TWO_BLOCK_INNER = hex(
  "be 00 00 00 00" + // 0: mov esi,0
    " b9 07 00 00 00" + // 5: outer: mov ecx,7
    " 85 c9 74 05" + // 10: inner: test ecx,ecx; jz out (19)
    " 01 c8 49 eb f7" + // 14: add eax,ecx; dec ecx; jmp inner (10)
    " 46 81 fe e8 03 00 00 72 e9" + // 19: out: inc esi; cmp esi,1000; jb outer
    " eb fe", // 28: spin: jmp spin
);

Deno.test("formRegion() gives a two-block loop with one way in a wasm loop; its second block is hidden", () => {
  const planAt = planner(TWO_BLOCK_INNER);
  const region = formRegion(planAt(5)!, planAt);
  assert.ok(region !== null);
  const eips = region.blocks.map((b) => b.entryEip);
  const ends = region.loopEnds;
  const heads = ends.flatMap((k, j) => k >= 0 ? [j] : []);
  assert.equal(heads.length, 1, "one inner loop");
  const [j] = heads;
  assert.deepEqual(new Set(eips.slice(j, ends[j] + 1)), new Set([10, 14]));
  const hidden = region.hidden;
  assert.deepEqual(
    eips.filter((_, x) => hidden[x]),
    [eips[ends[j]]],
    "only the loop's second block",
  );
});

Deno.test("formRegion() leaves alone a loop with a call in it or a member entered from elsewhere", () => {
  const call = hex(
    "b9 07 00 00 00" + // 0: mov ecx,7
      " e8 05 00 00 00" + // 5: L: call f (15)
      " 49 75 f8" + // 10: dec ecx; jnz L
      " eb fe" + // 13: spin
      " 40 c3", // 15: f: inc eax; ret
  );
  const planAt = planner(call);
  const region = formRegion(planAt(5)!, planAt);
  assert.ok(region !== null);
  assert.ok(region.loopEnds.every((k) => k === -1), "the callee may be called from elsewhere");
  // Into the middle: the outer loop's body jumps to the inner loop's second block too.
  const middle = hex(
    "b9 07 00 00 00" + // 0: outer: mov ecx,7
      " 85 f6 75 04" + // 5: test esi,esi; jnz B (13)
      " 01 c8 70 00" + // 9: A: add eax,ecx; jo B
      " 49 75 f9" + // 13: B: dec ecx; jnz A
      " 46 81 fe e8 03 00 00 72 e7" + // 16: inc esi; cmp esi,1000; jb outer
      " eb fe", // 25: spin
  );
  const planAt2 = planner(middle);
  const region2 = formRegion(planAt2(0)!, planAt2);
  assert.ok(region2 !== null);
  assert.deepEqual(new Set(region2.blocks.map((b) => b.entryEip)), new Set([0, 9, 13, 16]));
  assert.ok(region2.loopEnds.every((k) => k === -1), "B has a way in from outside the loop");
});

Deno.test("formRegion() of a self-loop is one block", () => {
  const planAt = planner(hex("49 75 fd c3")); // L: dec ecx; jnz L; ret
  const region = formRegion(planAt(0)!, planAt);
  assert.deepEqual(region?.edges, [[0]]);
});

Deno.test("formRegion() returns null for a block on no cycle, or when blocks are out of reach", () => {
  const planAt = planner(NESTED);
  assert.equal(formRegion(planAt(0)!, planAt), null);
  assert.equal(formRegion(planAt(5)!, (eip) => (eip === 5 ? planAt(5) : null)), null);
});

Deno.test("successors() follows jcc both ways, jmp to its target, and nothing past ret", () => {
  const cases: [string, number[]][] = [
    ["75 fe", [0, 2]], // jnz $
    ["eb 02", [4]], // jmp $+4
    ["c3", []], // ret
    ["e8 00 00 00 00", [5]], // call $+5: the callee
  ];
  for (const [code, want] of cases) {
    const plan = planBlock({ fetch8: (e) => hex(code)[e] ?? 0x90 }, 0, true, 1)!;
    assert.deepEqual(successors(plan), want, code);
  }
});

Deno.test("flagsReadFirst() says whether a block may read the flags it is entered with", () => {
  const cases: [string, boolean][] = [
    ["01 c8 75 fe", false], // add eax,ecx; jnz: replaced first
    ["8b 13 01 d7", false], // mov edx,[ebx]; add edi,edx: a move leaves them
    ["75 fe", true], // jnz reads them
    ["49 75 fe", true], // dec keeps CF: reads it
    ["c1 e0 03 75 fe", false], // shl eax,3 replaces them
    ["d3 e0 75 fe", true], // shl eax,cl may shift by 0
    ["f3 a5", true], // rep movsd: a callout
    ["90 c3", false], // nop; ret: passed on to whatever follows
    ["42 01 c1 c3", false], // inc edx; add ecx,eax: the kept CF is replaced unseen
    ["40 39 d8 75 fe", false], // inc eax; cmp eax,ebx
  ];
  for (const [code, want] of cases) {
    const plan = planBlock({ fetch8: (e) => hex(code)[e] ?? 0xc3 }, 0, true)!;
    assert.equal(flagsReadFirst(plan.instrs), want, code);
  }
});

Deno.test("carryDeadAfter() says when the CF an inc or dec keeps can never be seen", () => {
  const cases: [string, boolean][] = [
    ["40 39 d8 75 fe", true], // inc eax; cmp eax,ebx: replaced before anything looks
    ["4a 89 c1 8d 04 08 01 c8 c3", true], // dec edx; mov ecx,eax; lea eax,[eax+ecx]; add eax,ecx
    ["49 75 fe", false], // dec ecx; jnz: the block ends with CF still kept
    ["40 83 d3 00 c3", false], // inc eax; adc ebx,0 reads it
    ["40 8b 13 01 d7 c3", false], // inc eax; mov edx,[ebx] may fault and push EFLAGS
    ["40 03 03 c3", false], // inc eax; add eax,[ebx] may fault before replacing them
    ["40 8e d8 01 c1 c3", false], // inc eax; mov ds,ax may fault
    ["40 f7 f1 01 c1 c3", false], // inc eax; div ecx may fault
  ];
  for (const [code, want] of cases) {
    const plan = planBlock({ fetch8: (e) => hex(code)[e] ?? 0xc3 }, 0, true)!;
    assert.equal(carryDeadAfter(plan.instrs, 0), want, code);
  }
});

Deno.test("formRegion() takes a call's return point and lists it for the region's rets", () => {
  // 0: f: cmp eax,2; jb 0x10   5: dec eax; call f   0xb: add ebx,eax; ret (twice)   0x10: ret
  const code = hex("83 f8 02 72 0b 48 e8 f5 ff ff ff 01 c3 c3 90 90 c3");
  const planAt = planner(code);
  const region = formRegion(planAt(0)!, planAt);
  assert.ok(region !== null);
  const at = (eip: number) => region.blocks.findIndex((b) => b.entryEip === eip);
  assert.deepEqual(region.blocks.map((b) => b.entryEip).sort((a, b) => a - b), [0, 5, 0xb, 0x10]);
  assert.deepEqual(region.indirect[at(0xb)], [at(0xb)]);
  assert.deepEqual(region.indirect[at(0x10)], [at(0xb)]);
  assert.deepEqual(region.indirect[at(5)], []);
});

Deno.test("tableTargets() reads a switch's table on the page, bounded by its range check", () => {
  const code = hex("83 f8 02 ff 24 85 20 00 00 00"); // cmp eax,2; jmp [eax*4+0x20]
  const plan = planBlock({ fetch8: (e) => code[e] }, 0, true)!;
  const table = [0x40, 0x50, 0x40, 0x60, 0x2000];
  const read32 = (a: number) => (a >= 0x20 && a < 0x34 ? table[(a - 0x20) / 4] : null);
  assert.deepEqual(tableTargets(plan, read32), [0x40, 0x50]);
  // Without a range check, entries are read until one leaves the table's page.
  const bare = planBlock({ fetch8: (e) => code[e + 3] }, 0, true)!;
  assert.deepEqual(tableTargets(bare, read32), [0x40, 0x50, 0x60]);
  assert.deepEqual(tableTargets(planBlock({ fetch8: () => 0xc3 }, 0, true)!, read32), []);
});

/**
 * gcc's rotated loop (9..0x19) inside an outer loop: the block at 0 runs on into the inner
 * loop's head L; L's `jne S` branches forward into the middle of the block at 0x12.
 */
const ROTATED = hex(
  "31 c9 31 d2 b8 02 00 00 00" + // 0: outer: xor ecx,ecx; xor edx,edx; mov eax,2
    " 80 b8 00 10 00 00 00 75 03" + // 9: L: cmp byte [eax+0x1000],0; jne S (0x15)
    " 42 01 c1" + // 0x12: inc edx; add ecx,eax
    " 40 39 c3 75 ef" + // 0x15: S: inc eax; cmp ebx,eax; jne L
    " 01 ce 4f 75 e1" + // 0x1a: add esi,ecx; dec edi; jnz outer
    " eb fe", // 0x1f: spin: jmp spin
);

Deno.test("formRegion() cuts a block that runs on into a loop's head, which then heads a wasm loop", () => {
  const planAt = planner(ROTATED);
  const region = formRegion(planAt(0x1a)!, planAt);
  assert.ok(region !== null);
  const at = (eip: number) => region.blocks.findIndex((b) => b.entryEip === eip);
  const pre = region.blocks[at(0)];
  assert.equal(pre.instrs.length, 3, "xor, xor, mov: it ends just before L");
  assert.equal(pre.eips[3], 9);
  assert.equal(pre.endsWithEnd, false);
  const j = at(9);
  assert.deepEqual(region.edges[at(0)], [j], "it falls through to L only");
  assert.ok(region.loopEnds[j] >= 0, "L heads an inner loop");
  const inner = region.blocks.slice(j, region.loopEnds[j] + 1).map((b) => b.entryEip);
  assert.deepEqual(new Set(inner), new Set([9, 0x12, 0x15]));
});

Deno.test("formRegion() does not cut a block at a forward branch target that is no loop head", () => {
  const planAt = planner(ROTATED);
  const region = formRegion(planAt(0x1a)!, planAt);
  assert.ok(region !== null);
  const at = (eip: number) => region.blocks.findIndex((b) => b.entryEip === eip);
  // The block at 0x12 runs on through S (0x15), which only L's jne reaches, going forward.
  assert.ok(at(0x15) >= 0);
  assert.equal(region.blocks[at(0x12)].instrs.length, planAt(0x12)!.instrs.length);
  assert.equal(region.blocks[at(0x12)].instrs.length, 5);
});

Deno.test("formRegion() keeps the entry block and a self-loop whole though they run through a head", () => {
  const planAt = planner(ROTATED);
  const region = formRegion(planAt(0)!, planAt);
  assert.ok(region !== null);
  assert.equal(region.blocks[0].entryEip, 0);
  assert.equal(region.blocks[0].instrs.length, 5, "the entry runs on through L's cmp and jne");
  assert.ok(region.blocks.some((b) => b.entryEip === 9), "L is a member all the same");
  const self = hex(
    "40" + // 0: P: inc eax
      " 49 75 fc" + // 1: H: dec ecx; jnz P
      " 4a 75 fa" + // 4: dec edx; jnz H
      " eb fe", // 7: spin: jmp spin
  );
  const planAt2 = planner(self);
  const region2 = formRegion(planAt2(4)!, planAt2);
  assert.ok(region2 !== null);
  const p = region2.blocks.findIndex((b) => b.entryEip === 0);
  assert.ok(p >= 0);
  assert.equal(region2.blocks[p].instrs.length, 3, "P runs on through H, its own loop");
  assert.ok(region2.edges[p].includes(p));
});

/**
 * A loop at 0 whose body at 13 runs through n blocks `test eax,1<<k; jz $+2`, then back to H at
 * 5; C at 4 runs on into H, and H is the last of all those blocks in the region's order.
 */
function chainLoop(n: number): number[] {
  const code = hex(
    "85 f6 75 09" + // 0: E: test esi,esi; jnz chain (13)
      " 40" + // 4: C: inc eax
      " 49 75 f8" + // 5: H: dec ecx; jnz E
      " 4a 75 fa" + // 8: T: dec edx; jnz H
      " eb f3", // 11: jmp E
  );
  const le32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
  for (let k = 0; k < n; k++) code.push(0xa9, ...le32(1 << k), 0x74, 0x00); // test eax,1<<k; jz $+2
  code.push(0xe9, ...le32(5 - (code.length + 5))); // jmp dword H
  return code;
}

Deno.test("formRegion() makes a cut block whole again when its head did not fit in the region", () => {
  const planSmall = planner(chainLoop(2));
  const small = formRegion(planSmall(0)!, planSmall);
  assert.ok(small !== null);
  const c = small.blocks.findIndex((b) => b.entryEip === 4);
  assert.equal(small.blocks[c].instrs.length, 1, "cut at H when H is a member");
  assert.deepEqual(small.edges[c].map((x) => small.blocks[x].entryEip), [5]);
  const planAt = planner(chainLoop(16));
  const region = formRegion(planAt(0)!, planAt);
  assert.ok(region !== null);
  assert.equal(region.blocks.length, 16);
  assert.ok(!region.blocks.some((b) => b.entryEip === 5), "H is past the 16 members");
  const c2 = region.blocks.findIndex((b) => b.entryEip === 4);
  assert.ok(c2 >= 0);
  assert.equal(region.blocks[c2].instrs.length, planAt(4)!.instrs.length);
  assert.ok(region.blocks[c2].endsWithEnd, "it ends in its jnz E, not at H");
  assert.deepEqual(region.edges[c2], [0], "to E; nothing where it used to run on");
});

Deno.test("formRegion() leaves out a cut block that would not fit in the region whole", () => {
  // nasm (bits 32, org 0): E: test esi,esi; jnz F / C: inc eax / H: times 50 inc edi;
  // dec ecx; jnz E; jmp E / F: %rep 6: times 59 inc ebx; jz $+2 / jmp dword H
  const code = hex("85 f6 75 38 40"); // 0: E: test esi,esi; jnz F (60)   4: C: inc eax
  code.push(...Array(50).fill(0x47), ...hex("49 75 c6 eb c4")); // 5: H ... jnz E   58: jmp E
  for (let k = 0; k < 6; k++) code.push(...Array(59).fill(0x43), 0x74, 0x00); // 60: F: 6 x 60
  code.push(...hex("e9 56 fe ff ff")); // 426: jmp dword H
  const planAt = planner(code);
  assert.equal(planAt(4)!.instrs.length, 53, "C runs on through H's 52");
  const region = formRegion(planAt(0)!, planAt);
  assert.ok(region !== null);
  // E, C cut at H, and the 360 of F come first: H's 52 do not fit, nor C's whole 53.
  assert.ok(!region.blocks.some((b) => b.entryEip === 5), "H does not fit");
  const total = region.blocks.reduce((n, b) => n + b.instrs.length, 0);
  assert.ok(total <= MAX_REGION_INSTRS, `${total} instructions`);
  const c = region.blocks.find((b) => b.entryEip === 4);
  assert.ok(c === undefined || c.instrs.length === 53, "C is whole or out, never cut");
});
