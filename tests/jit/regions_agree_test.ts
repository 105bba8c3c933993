/**
 * Engine agreement on hot loops compiled as regions: nested loops, loops with calls, a fault in
 * a region's second block, self-modifying code inside a region, and budgets that end
 * mid-region, each at threshold 0, the default and tiny batches.
 */

import assert from "node:assert/strict";
import { type Cpu, CR0_PG, CR0_WP } from "../../src/cpu/cpu.ts";
import { OFF_CR0, OFF_CR3 } from "../../src/cpu/state.ts";
import {
  AGREE_MODES,
  assertEnginesAgree,
  FAULT_COUNT,
  hex,
  installSkippingIdt,
  type Scenario,
} from "./_agree.ts";

/** Runs `s` under every mode; asserts regions were compiled and enough ran compiled. */
async function agreeRegions(s: Scenario, minJitted = 1000): Promise<Cpu[]> {
  const cpus: Cpu[] = [];
  for (const options of AGREE_MODES) {
    const { stats, cpu } = await assertEnginesAgree(s, options);
    assert.ok(stats.regionsCompiled > 0, `no region compiled (${JSON.stringify(options)})`);
    assert.ok(stats.jittedInstructions >= minJitted, `only ${stats.jittedInstructions} jitted`);
    cpus.push(cpu);
  }
  return cpus;
}

/** Nested loops; the inner back-edge goes to a member other than the region's entry. */
const NESTED = hex(
  "be 00 00 00 00" + // 0: mov esi,0
    " b9 07 00 00 00" + // 5: outer: mov ecx,7
    " 01 c8 31 c3 49 75 f9" + // 10: inner: add eax,ecx; xor ebx,eax; dec ecx; jnz inner
    " 46 81 fe e8 03 00 00 72 eb" + // 17: inc esi; cmp esi,1000; jb outer
    " eb fe", // 26: spin: jmp spin
);

Deno.test("JIT and interpreter agree on nested loops compiled as one region", async () => {
  await agreeRegions({ code: NESTED, steps: 30_000, chunk: 5000 });
});

Deno.test("JIT and interpreter agree when the budget ends mid-region (odd chunks)", async () => {
  for (const chunk of [7, 13, 101]) await agreeRegions({ code: NESTED, steps: 6000, chunk }, 100);
});

Deno.test("JIT and interpreter agree on a loop with calls (the call leaves the region)", async () => {
  await agreeRegions({
    steps: 20_000,
    chunk: 999,
    code: hex(
      "b9 f4 01 00 00" + // 0: mov ecx,500
        " e8 07 00 00 00" + // 5: L: call f
        " 01 c3 49 75 f6" + // 10: add ebx,eax; dec ecx; jnz L
        " eb fe" + // 15: spin
        " 8d 44 48 01 a9 01 00 00 00 74 01 42 c3", // 17: f: lea eax,[eax+ecx*2+1]; test eax,1; jz +1; inc edx; ret
    ),
    ranges: [[0x7f00, 0x100]],
  });
});

/** Identity paging of the first 4 MiB with page 0x200 not present, CR0.WP set. */
function installPaging(cpu: Cpu): void {
  const pd = 0x10000, pt = 0x11000;
  cpu.mem.writeU32(pd, pt | 7);
  for (let p = 0; p < 1024; p++) cpu.mem.writeU32(pt + p * 4, (p << 12) | (p === 0x200 ? 0 : 7));
  cpu.i32[OFF_CR3 >> 2] = pd;
  cpu.i32[OFF_CR0 >> 2] |= CR0_PG | CR0_WP;
  cpu.mmu.flushAll();
}

Deno.test("JIT and interpreter agree on a #PF in a region's second block, flags still in locals", async () => {
  const cpus = await agreeRegions({
    steps: 8000,
    chunk: 333,
    setup: (cpu) => {
      installSkippingIdt(cpu);
      // #PF pushes an error code: drop it before skipping the faulting instruction.
      cpu.mem.write(0x3000, Uint8Array.from(hex("83 c4 04 83 04 24 02 ff 05 00 50 00 00 cf")));
      installPaging(cpu);
    },
    ranges: [[FAULT_COUNT, 4], [0x7f00, 0x100]],
    code: hex(
      "b9 2c 01 00 00" + // 0: mov ecx,300
        " bb 00 f0 1f 00" + // 5: mov ebx,0x1ff000
        " 01 c8 f6 c1 03 75 0a" + // 10: L: add eax,ecx; test cl,3; jnz skip
        " 8b 13" + // 17: mov edx,[ebx]   (#PF on page 0x200; the handler skips it)
        " 01 d7 81 c3 00 08 00 00" + // 19: add edi,edx; add ebx,0x800
        " 49 75 ec" + // 27: skip: dec ecx; jnz L
        " eb fe", // 30: spin
    ),
  }, 500);
  for (const cpu of cpus) assert.equal(cpu.mem.readU32(FAULT_COUNT), 2, "both page faults taken");
});

Deno.test("JIT and interpreter agree on a #DE raised by a callout inside a region", async () => {
  const cpus = await agreeRegions({
    steps: 8000,
    chunk: 500,
    setup: (cpu) => installSkippingIdt(cpu),
    ranges: [[FAULT_COUNT, 4], [0x7f00, 0x100]],
    code: hex(
      "b9 c8 00 00 00" + // 0: mov ecx,200
        " 89 ce 83 e6 07 31 d2 b8 64 00 00 00 75 02" + // 5: L: mov esi,ecx; and esi,7; xor edx,edx; mov eax,100; jnz +2
        " f7 f6" + // 19: div esi   (#DE when esi = 0; the handler skips it)
        " 01 c3 49 75 e6" + // 21: add ebx,eax; dec ecx; jnz L
        " eb fe", // 26: spin
    ),
  }, 500);
  for (const cpu of cpus) assert.ok(cpu.mem.readU32(FAULT_COUNT) > 0, "divide errors taken");
});

Deno.test("JIT and interpreter agree on self-modifying code inside a region", async () => {
  const cpus = await agreeRegions({
    steps: 6000,
    chunk: 450,
    ranges: [[0x1000, 32]],
    code: hex(
      "b9 c8 00 00 00" + // 0: mov ecx,200
        " b8 01 00 00 00 01 c3 f6 c1 01 74 06" + // 5: L: mov eax,1 (patched); add ebx,eax; test cl,1; jz skip
        " ff 05 06 10 00 00" + // 17: inc dword [0x1006]   (the immediate of mov eax)
        " 49 75 eb" + // 23: skip: dec ecx; jnz L
        " eb fe", // 26: spin
    ),
  }, 100);
  for (const cpu of cpus) assert.equal(cpu.mem.readU32(0x1006), 101, "every patch ran");
});

Deno.test("JIT and interpreter agree on recursion whose returns are region edges", async () => {
  await agreeRegions({
    steps: 40_000,
    chunk: 997,
    code: hex(
      "b9 0a 00 00 00" + // 0: mov ecx,10
        " b8 0c 00 00 00 51 e8 09 00 00 00" + // 5: L: mov eax,12; push ecx; call fib
        " 59 01 c3 49 75 ef" + // 0x10: pop ecx; add ebx,eax; dec ecx; jnz L
        " eb fe 90" + // 0x16: spin
        " 83 f8 02 72 15" + // 0x19: fib: cmp eax,2; jb small
        " 50 48 e8 f4 ff ff ff" + // 0x1e: push eax; dec eax; call fib
        " 5a 50 8d 42 fe e8 ea ff ff ff" + // 0x25: pop edx; push eax; lea eax,[edx-2]; call fib
        " 5a 01 d0 c3" + // 0x2f: pop edx; add eax,edx; ret
        " c3", // 0x33: small: ret
    ),
    ranges: [[0x7e00, 0x200]],
  });
});

Deno.test("JIT and interpreter agree on a dispatch loop through a jump table", async () => {
  await agreeRegions({
    steps: 5000,
    chunk: 999,
    code: hex(
      "be 00 00 00 00 bf 00 01 00 00" + // 0: mov esi,0; mov edi,256
        " 89 f0 83 e0 03 83 f8 03 77 1d" + // 0x0a: D: mov eax,esi; and eax,3; cmp eax,3; ja spin
        " ff 24 85 34 10 00 00" + // 0x14: jmp [eax*4+0x1034]
        " 01 f3 eb 0e 31 f3 eb 0a d1 c3 eb 06 29 f1 eb 02 90 90" + // 0x1b: four handlers
        " 46 4f 75 d9" + // 0x2d: next: inc esi; dec edi; jnz D
        " eb fe 90" + // 0x31: spin
        " 1b 10 00 00 1f 10 00 00 23 10 00 00 27 10 00 00", // 0x34: the table
    ),
  }, 500);
});

Deno.test("JIT and interpreter agree on a dispatch loop whose jump table is on the next page", async () => {
  const code = hex(
    "be 00 00 00 00 bf 00 01 00 00" + // 0: mov esi,0; mov edi,256
      " 89 f0 83 e0 03 83 f8 03 77 1d" + // 0x0a: D: mov eax,esi; and eax,3; cmp eax,3; ja spin
      " ff 24 85 10 20 00 00" + // 0x14: jmp [eax*4+0x2010]
      " 01 f3 eb 0e 31 f3 eb 0a d1 c3 eb 06 29 f1 eb 02 90 90" + // 0x1b: four handlers
      " 46 4f 75 d9" + // 0x2d: next: inc esi; dec edi; jnz D
      " eb fe", // 0x31: spin
  );
  const table = hex("1b 10 00 00 1f 10 00 00 23 10 00 00 27 10 00 00");
  await agreeRegions({
    steps: 5000,
    chunk: 999,
    code: [...code, ...new Array(0x1010 - code.length).fill(0), ...table],
  }, 500);
});
