/** Tests of which self-loops run in SIMD lanes, and how (jit/vector_plan.ts), on plans only. */

import assert from "node:assert/strict";
import { planBlock } from "../../jit/plan.ts";
import { planVector, type VectorPlan } from "../../jit/vector_plan.ts";
import { hex } from "./_agree.ts";

const [EAX, ECX, EDX, EBX, , , ESI, EDI] = [0, 1, 2, 3, 4, 5, 6, 7];
const ES = 0;
const DS = 3;
const lane = (reg: number) => ({ kind: "lane" as const, reg });
const mem = (access: number) => ({ kind: "mem" as const, access });
const imm = (value: number) => ({ kind: "imm" as const, value });

/** The vector plan of the block at `at` in `code` (assembled with `nasm -f bin`, bits 32). */
function vectorOf(code: number[], at = 0): VectorPlan | null {
  const block = planBlock({ fetch8: (e) => code[e] ?? 0xf4 }, at, true);
  assert.ok(block !== null);
  return planVector(block);
}

Deno.test("planVector() plans the inner loop of a matrix product", () => {
  const v = vectorOf(hex(
    "8b 94 86 00 50 00 00" + // top: mov edx,[esi+eax*4+0x5000]
      " 0f af d7" + // imul edx,edi
      " 01 94 81 00 60 00 00" + // add [ecx+eax*4+0x6000],edx
      " 40" + // inc eax
      " 83 f8 40" + // cmp eax,64
      " 75 e9", // jne top
  ));
  assert.ok(v !== null);
  assert.equal(v.size, 4);
  assert.equal(v.direction, false);
  assert.deepEqual(v.ops, [
    { kind: "mov", dst: lane(EDX), a: mem(0) },
    { kind: "mul", dst: lane(EDX), a: lane(EDX), b: { kind: "invariant", reg: EDI } },
    { kind: "add", dst: mem(1), a: mem(1), b: lane(EDX) },
  ]);
  assert.deepEqual(v.accesses, [
    {
      k: 0,
      seg: DS,
      disp: 0x5000,
      terms: [{ reg: ESI, mul: 1 }, { reg: EAX, mul: 4 }],
      read: true,
      write: false,
    },
    {
      k: 2,
      seg: DS,
      disp: 0x6000,
      terms: [{ reg: ECX, mul: 1 }, { reg: EAX, mul: 4 }],
      read: true,
      write: true,
    },
  ]);
  assert.deepEqual(v.steps, new Map([[EAX, 1]]));
  assert.deepEqual(v.lanes, [EDX]);
  assert.deepEqual(v.counter, { reg: EAX, limit: imm(64), counterFirst: true });
});

Deno.test("planVector() moves an access's disp by the steps taken before it in the body", () => {
  const v = vectorOf(hex(
    "8b 8b 00 01 00 00" + // top: mov ecx,[ebx+0x100]
      " 83 c3 04" + // add ebx,4
      " c1 e9 07" + // shr ecx,7
      " 81 e1 ff ff 00 00" + // and ecx,0xffff
      " 89 8b fc 01 00 00" + // mov [ebx+0x1fc],ecx
      " 39 de" + // cmp esi,ebx
      " 75 e4", // jne top
  ));
  assert.ok(v !== null);
  assert.deepEqual(v.ops.map((op) => op.kind), ["mov", "shr", "and", "mov"]);
  assert.deepEqual(v.ops[1].b, imm(7));
  assert.deepEqual(v.ops[2].b, imm(0xffff));
  assert.deepEqual(v.ops[3], { kind: "mov", dst: mem(1), a: lane(ECX) });
  assert.deepEqual(v.accesses.map((a) => [a.disp, a.terms, a.read, a.write]), [
    [0x100, [{ reg: EBX, mul: 1 }], true, false],
    [0x200, [{ reg: EBX, mul: 1 }], false, true], // 0x1fc + 4: ebx as it was at the start
  ]);
  assert.deepEqual(v.steps, new Map([[EBX, 4]]));
  assert.deepEqual(v.lanes, [ECX]);
  assert.deepEqual(v.counter, {
    reg: EBX,
    limit: { kind: "invariant", reg: ESI },
    counterFirst: false,
  });
});

Deno.test("planVector() takes lea as a step and skips one- and multi-byte nops", () => {
  const lea = vectorOf(hex(
    "8b 96 00 10 00 00" + // top: mov edx,[esi+0x1000]
      " f7 d2" + // not edx
      " 89 96 00 20 00 00" + // mov [esi+0x2000],edx
      " 8d 76 04" + // lea esi,[esi+4]
      " 39 fe" + // cmp esi,edi
      " 75 eb", // jne top
  ));
  assert.deepEqual(lea?.steps, new Map([[ESI, 4]]));
  assert.deepEqual(lea?.ops.map((op) => op.kind), ["mov", "not", "mov"]);
  assert.deepEqual(lea?.counter, {
    reg: ESI,
    limit: { kind: "invariant", reg: EDI },
    counterFirst: true,
  });

  const nops = vectorOf(hex(
    "90" + // top: nop
      " 8b 14 85 00 10 00 00" + // mov edx,[eax*4+0x1000]
      " 0f 1f 04 00" + // nop dword [eax+eax]
      " 66 90" + // o16 nop
      " f7 da" + // neg edx
      " 89 14 85 00 20 00 00" + // mov [eax*4+0x2000],edx
      " 40" + // inc eax
      " 83 f8 64" + // cmp eax,100
      " 75 e3", // jne top
  ));
  assert.deepEqual(nops?.ops.map((op) => op.kind), ["mov", "neg", "mov"]);
  assert.deepEqual(nops?.accesses.map((a) => [a.k, a.disp, a.terms]), [
    [1, 0x1000, [{ reg: EAX, mul: 4 }]],
    [5, 0x2000, [{ reg: EAX, mul: 4 }]],
  ]);
});

Deno.test("planVector() reads xor r,r as a mov of 0 and imul r,[mem],imm as a mul by an imm", () => {
  const xor = vectorOf(hex(
    "31 d2" + // top: xor edx,edx
      " 2b 14 85 00 10 00 00" + // sub edx,[eax*4+0x1000]
      " 89 14 85 00 20 00 00" + // mov [eax*4+0x2000],edx
      " 40" + // inc eax
      " 83 f8 10" + // cmp eax,16
      " 75 ea", // jne top
  ));
  assert.deepEqual(xor?.ops.slice(0, 2), [
    { kind: "mov", dst: lane(EDX), a: imm(0) },
    { kind: "sub", dst: lane(EDX), a: lane(EDX), b: mem(0) },
  ]);

  const imul = vectorOf(hex(
    "6b 14 85 00 10 00 00 0a" + // top: imul edx,[eax*4+0x1000],10
      " 89 14 85 00 20 00 00" + // mov [eax*4+0x2000],edx
      " 40" + // inc eax
      " 83 f8 10" + // cmp eax,16
      " 75 eb", // jne top
  ));
  assert.deepEqual(imul?.ops[0], { kind: "mul", dst: lane(EDX), a: mem(0), b: imm(10) });
});

Deno.test("planVector() makes inc and dec of a computed register an add and a sub of 1", () => {
  const v = vectorOf(hex(
    "8b 14 86" + // top: mov edx,[esi+eax*4]
      " 42" + // inc edx
      " 89 d1" + // mov ecx,edx
      " 49" + // dec ecx
      " 89 0c 87" + // mov [edi+eax*4],ecx
      " 40" + // inc eax
      " 83 f8 10" + // cmp eax,16
      " 75 f0", // jne top
  ));
  assert.deepEqual(v?.ops.slice(1, 4), [
    { kind: "add", dst: lane(EDX), a: lane(EDX), b: imm(1) },
    { kind: "mov", dst: lane(ECX), a: lane(EDX) },
    { kind: "sub", dst: lane(ECX), a: lane(ECX), b: imm(1) },
  ]);
  assert.deepEqual(v?.steps, new Map([[EAX, 1]]));
  assert.deepEqual([...v!.lanes].sort(), [ECX, EDX]);
});

Deno.test("planVector() plans a counter stepping by -1 beside a pointer", () => {
  const loop = (step: string, jne: string) =>
    hex(
      "8b 16" + // top: mov edx,[esi]
        " 83 c6 04" + // add esi,4
        " 01 f2" + // add edx,esi
        " 89 96 fc 0f 00 00" + // mov [esi+0xffc],edx
        step + // the counter's step
        " 83 f8 00" + // cmp eax,0
        jne, // jne top
    );
  const steps: [string, string, string][] = [
    ["dec eax", " 48", " 75 ed"],
    ["sub eax,1", " 83 e8 01", " 75 eb"],
    ["add eax,-1", " 83 c0 ff", " 75 eb"],
  ];
  for (const [name, step, jne] of steps) {
    const v = vectorOf(loop(step, jne));
    assert.ok(v !== null, name);
    assert.deepEqual(v.steps, new Map([[ESI, 4], [EAX, -1]]), name);
    assert.deepEqual(v.counter, { reg: EAX, limit: imm(0), counterFirst: true }, name);
    assert.deepEqual(v.ops[1].b, { kind: "step", reg: ESI, offset: 4 }, name);
    assert.deepEqual(v.accesses.map((a) => a.disp), [0, 0x1000], name);
  }
});

Deno.test("planVector() plans 8-bit loops with sixteen lanes and forward string moves", () => {
  const bytes = vectorOf(hex(
    "8a 96 00 10 00 00" + // top: mov dl,[esi+0x1000]
      " 80 c2 03" + // add dl,3
      " 88 96 00 20 00 00" + // mov [esi+0x2000],dl
      " 46" + // inc esi
      " 39 fe" + // cmp esi,edi
      " 75 ec", // jne top
  ));
  assert.equal(bytes?.size, 1);
  assert.deepEqual(bytes?.ops.map((op) => op.kind), ["mov", "add", "mov"]);
  assert.deepEqual(bytes?.steps, new Map([[ESI, 1]]));

  const movsd = vectorOf(hex(
    "a5" + // top: movsd
      " 49" + // dec ecx
      " 83 f9 00" + // cmp ecx,0
      " 75 f9", // jne top
  ));
  assert.equal(movsd?.direction, true);
  assert.deepEqual(movsd?.ops, [{ kind: "mov", dst: mem(1), a: mem(0) }]);
  assert.deepEqual(movsd?.accesses.map((a) => [a.seg, a.terms, a.read, a.write]), [
    [DS, [{ reg: ESI, mul: 1 }], true, false],
    [ES, [{ reg: EDI, mul: 1 }], false, true],
  ]);
  assert.deepEqual(movsd?.steps, new Map([[ESI, 4], [EDI, 4], [ECX, -1]]));
});

/** The loop the rejected cases vary: it qualifies as it is. */
const BASE = hex(
  "8b 14 86" + // top: mov edx,[esi+eax*4]
    " 89 14 87" + // mov [edi+eax*4],edx
    " 40" + // inc eax
    " 83 f8 40" + // cmp eax,64
    " 75 f4", // jne top
);

/**
 * [case, code, entry (0 when absent)]: each a self-loop unless the case says otherwise; "..." in
 * the comments stands for the rest of BASE.
 */
const REJECTED: [string, string, number?][] = [
  // add edx,[esi+eax*4]; mov [edi+eax*4],edx; inc eax; cmp eax,64; jne
  ["read before written", "03 14 86 89 14 87 40 83 f8 40 75 f4"],
  // mov edx,[esi+eax*2]; mov [edi+eax*4],edx; ...
  ["load scale 2", "8b 14 46 89 14 87 40 83 f8 40 75 f4"],
  // mov edx,[esi+eax*4]; mov [edi+eax*8],edx; ...
  ["store scale 8", "8b 14 86 89 14 c7 40 83 f8 40 75 f4"],
  // mov dl,[esi+eax*4]; mov [edi+eax*4],dl; ...
  ["bytes striding 4", "8a 14 86 88 14 87 40 83 f8 40 75 f4"],
  // mov edx,[esi]; mov [esi+0x1000],edx; add esi,8; cmp esi,edi; jne
  ["pointer step 8", "8b 16 89 96 00 10 00 00 83 c6 08 39 fe 75 f1"],
  // mov edx,[esi+eax*4]; mov [edi],edx; ...
  ["invariant address", "8b 14 86 89 17 40 83 f8 40 75 f5"],
  // mov edx,[esi+eax*4]; mov [edi+eax*4],edx; inc eax; cmp eax,64; jb
  ["jb", "8b 14 86 89 14 87 40 83 f8 40 72 f4"],
  // ...; jl top
  ["jl", "8b 14 86 89 14 87 40 83 f8 40 7c f4"],
  // ...; je top
  ["je", "8b 14 86 89 14 87 40 83 f8 40 74 f4"],
  // mov edx,[esi+eax*4]; mov [edi+eax*4],edx; inc eax; dec ecx; jnz
  ["no cmp", "8b 14 86 89 14 87 40 49 75 f6"],
  // mov edx,[esi+eax*4]; mov edx,[edx]; ...
  ["computed address", "8b 14 86 8b 12 89 14 87 40 83 f8 40 75 f2"],
  // mov edx,[esi+eax*4]; shl edx,cl; ...
  ["shift by cl", "8b 14 86 d3 e2 89 14 87 40 83 f8 40 75 f2"],
  // mov edx,[esi+eax*4]; add dx,cx; ...
  ["16-bit work", "8b 14 86 66 01 ca 89 14 87 40 83 f8 40 75 f1"],
  // mov edx,[esi+eax*4]; add dl,cl; ...
  ["8-bit with 32-bit work", "8b 14 86 00 ca 89 14 87 40 83 f8 40 75 f2"],
  // mov edx,[esi+eax*4]; push edx; pop ebx; mov [edi+eax*4],ebx; ...
  ["push, pop", "8b 14 86 52 5b 89 1c 87 40 83 f8 40 75 f2"],
  // mov edx,[esi+eax*4]; mov [edi+eax*4],edx; add esp,4; ...
  ["esp step", "8b 14 86 89 14 87 83 c4 04 40 83 f8 40 75 f1"],
  // ...; cmp eax,64; call top
  ["call", "8b 14 86 89 14 87 40 83 f8 40 e8 f1 ff ff ff"],
  // movzx edx,byte [esi+eax*4]; mov [edi+eax*4],edx; ...
  ["movzx", "0f b6 14 86 89 14 87 40 83 f8 40 75 f3"],
  // mov edx,[esi+eax*4]; div ebx; ...
  ["div", "8b 14 86 f7 f3 89 14 87 40 83 f8 40 75 f2"],
  // mov edx,[esi+eax*4]; rep movsd; ...
  ["rep movsd", "8b 14 86 f3 a5 89 14 87 40 83 f8 40 75 f2"],
  // mov edx,[esi+eax*4]; add edx,ecx; inc eax; cmp eax,64; jne
  ["no store", "8b 14 86 01 ca 40 83 f8 40 75 f5"],
  // mov edx,[esi+eax*4]; mov ecx,edx; mov [edi+eax*4],edx; inc eax; cmp eax,ecx
  ["limit computed", "8b 14 86 89 d1 89 14 87 40 39 c8 75 f3"],
  // ...; add ebx,4; inc eax; cmp eax,ebx; jne
  ["limit stepping", "8b 14 86 89 14 87 83 c3 04 40 39 d8 75 f2"],
  // mov ebx,1; L: ...; jne 0 (not L)
  ["not a self-loop", "bb 01 00 00 00 8b 14 86 89 14 87 40 83 f8 40 75 ef", 5],
  // ...; cmp eax,64; jmp top
  ["jmp", "8b 14 86 89 14 87 40 83 f8 40 eb f4"],
  // mov al,[esi+0x1000]; inc eax; mov [esi+0x2000],al; inc esi; cmp esi,edi; jne: the inc
  // carries out of al into the rest of eax, which an 8-bit lane would lose
  ["32-bit step of an 8-bit lane", "8a 86 00 10 00 00 40 88 86 00 20 00 00 46 39 fe 75 ee"],
];

Deno.test("planVector() rejects loops that lanes would not run as one after another", () => {
  assert.equal(vectorOf(BASE)?.counter.reg, EAX, "BASE itself qualifies");
  for (const [name, code, at = 0] of REJECTED) {
    const bytes = hex(code);
    const block = planBlock({ fetch8: (e) => bytes[e] ?? 0xf4 }, at, true);
    assert.ok(block !== null, name);
    const self = !["call", "not a self-loop"].includes(name);
    assert.equal(block.selfLoop, self, `${name}: self-loop`);
    assert.equal(planVector(block), null, name);
  }
});
