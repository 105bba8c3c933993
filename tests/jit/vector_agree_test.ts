/**
 * Engine agreement on self-loops that run groups of iterations in SIMD lanes (vector entries),
 * four of 32 bits or sixteen of 8: a matrix product, dependences through memory the distance
 * guard must catch, pointer-stepping and down-counting loops, every lane-wise operation, stores
 * to a code page, operands past the end of RAM, counters that never meet their limit, register
 * limits, and budgets that end right after the groups; byte loops (memset, shifts by counts
 * under and over 8, AH..BH left scalar) and string loops (movsb forward, backward with DF set
 * and overlapping, lodsb/stosb keeping eax's upper bits, stosd, movsd); each at threshold 0,
 * the default and tiny batches, with vectorising on and off.
 */

import assert from "node:assert/strict";
import type { Cpu } from "../../src/cpu/cpu.ts";
import { AGREE_MODES, assertEnginesAgree, fillRandom, hex, type Scenario } from "./_agree.ts";

/** Where the loops' data lives (well away from the code page and the stack). */
const DATA = 0x40000;
/** The end of the harness's 4 MiB of RAM. */
const RAM_END = 4 << 20;

/**
 * Runs `s` under every mode, with vectorising on and off, asserting agreement each time.
 * @returns the iterations run in SIMD lanes under each mode (vectorising on)
 */
async function agreeVector(s: Scenario): Promise<number[]> {
  const counts: number[] = [];
  for (const mode of AGREE_MODES) {
    const { stats } = await assertEnginesAgree(s, mode);
    const off = await assertEnginesAgree(s, { ...mode, vectorize: false });
    assert.equal(off.stats.vectorIterations, 0, "vectorize: false still ran SIMD lanes");
    counts.push(stats.vectorIterations);
  }
  return counts;
}

/** Asserts every mode ran some iterations in SIMD lanes. */
function assertVectorised(counts: number[]): void {
  assert.ok(counts.every((n) => n > 0), `iterations in SIMD lanes per mode: ${counts}`);
}

/** Asserts no mode ran any iteration in SIMD lanes. */
function assertScalar(counts: number[]): void {
  assert.deepEqual(counts, counts.map(() => 0), `iterations in SIMD lanes per mode: ${counts}`);
}

/** A setup filling each [address, length] range with its own pseudo-random bytes. */
function random(...ranges: [number, number][]): (cpu: Cpu) => void {
  return (cpu) => ranges.forEach(([a, n], k) => fillRandom(cpu, a, n, 0x5eed + k));
}

/** The hex of a 32-bit immediate, little-endian. */
function le32(v: number): string {
  return [0, 8, 16, 24].map((s) => ((v >>> s) & 0xff).toString(16).padStart(2, "0")).join(" ");
}

/** The hex of an 8-bit displacement. */
function le8(v: number): string {
  return (v & 0xff).toString(16).padStart(2, "0");
}

Deno.test("JIT and interpreter agree on a matrix product whose inner loop runs in SIMD lanes", async () => {
  const counts = await agreeVector({
    steps: 26_000,
    chunk: 4999,
    setup: random([0x20000, 0x100], [0x21000, 0x800], [0x30000, 0x800]),
    ranges: [[0x30000, 0x800]],
    code: hex(
      "31 ed" + // 0x00: xor ebp,ebp              i
        " 31 db" + // 0x02: I: xor ebx,ebx        k
        " 89 e9 c1 e1 08" + // 0x04: K: mov ecx,ebp; shl ecx,8      row of C
        " 89 de c1 e6 08" + // 0x09: mov esi,ebx; shl esi,8         row of B
        " 8d 3c eb 8b 3c bd 00 00 02 00" + // 0x0e: lea edi,[ebx+ebp*8]; mov edi,[edi*4+0x20000]
        " 31 c0" + // 0x18: xor eax,eax           j
        " 8b 94 86 00 10 02 00" + // 0x1a: J: mov edx,[esi+eax*4+0x21000]
        " 0f af d7" + // 0x21: imul edx,edi
        " 01 94 81 00 00 03 00" + // 0x24: add [ecx+eax*4+0x30000],edx
        " 40 83 f8 40 75 e9" + // 0x2b: inc eax; cmp eax,64; jne J
        " 43 83 fb 08 75 cd" + // 0x31: inc ebx; cmp ebx,8; jne K
        " 45 83 fd 08 75 c5" + // 0x37: inc ebp; cmp ebp,8; jne I
        " eb fe", // 0x3d: spin: jmp spin
    ),
  });
  assertVectorised(counts);
});

/** `a[i + store/4] = a[i + load/4] * 3 + 1` over 200 elements of random data at DATA. */
function recurrence(load: number, store: number): Scenario {
  return {
    steps: 1500,
    setup: random([DATA, 0x400]),
    ranges: [[DATA, 0x400]],
    code: hex(
      "31 c0 be " + le32(DATA) + // 0: xor eax,eax; mov esi,DATA
        " 8b 54 86 " + le8(load) + // 7: L: mov edx,[esi+eax*4+load]
        " 6b d2 03 83 c2 01" + // 11: imul edx,edx,3; add edx,1
        " 89 54 86 " + le8(store) + // 17: mov [esi+eax*4+store],edx
        " 40 3d c8 00 00 00 75 ea" + // 21: inc eax; cmp eax,200; jne L
        " eb fe", // 29: spin
    ),
  };
}

Deno.test("a store 4, 8 or 12 bytes ahead of a load (loop-carried through memory) stays scalar", async () => {
  for (const distance of [4, 8, 12]) assertScalar(await agreeVector(recurrence(0, distance)));
});

Deno.test("a store 16 bytes ahead of a load, or 4 bytes behind it, runs in SIMD lanes", async () => {
  assertVectorised(await agreeVector(recurrence(0, 16)));
  assertVectorised(await agreeVector(recurrence(4, 0)));
});

/** `dst[i] = src[i] + i` for 200 elements, with esi = src and edi = dst set before the loop. */
function copyLoop(src: number, dst: number): Scenario {
  // The arrays, cut off at the end of RAM.
  const arrays: [number, number][] = [src, dst].map((a) => [a, Math.min(0x320, RAM_END - a)]);
  return {
    steps: 1100,
    setup: random(...arrays),
    ranges: arrays,
    code: hex(
      "31 c0 be " + le32(src) + " bf " + le32(dst) + // 0: xor eax,eax; mov esi,src; mov edi,dst
        " 8b 14 86 01 c2 89 14 87" + // 12: L: mov edx,[esi+eax*4]; add edx,eax; mov [edi+eax*4],edx
        " 40 3d c8 00 00 00 75 f0" + // 20: inc eax; cmp eax,200; jne L
        " eb fe", // 28: spin
    ),
  };
}

Deno.test("operands in different registers that overlap at run time are caught by the distance guard", async () => {
  assertScalar(await agreeVector(copyLoop(DATA, DATA + 8)));
  assertVectorised(await agreeVector(copyLoop(DATA, DATA - 8)));
  assertVectorised(await agreeVector(copyLoop(DATA, DATA + 0x1000)));
});

Deno.test("a loop storing into its own code page (beyond its code) stays scalar", async () => {
  assertScalar(await agreeVector(copyLoop(DATA, 0x1800)));
  // The same loop storing into the next page, which holds no code, runs in lanes.
  assertVectorised(await agreeVector(copyLoop(DATA, 0x2800)));
});

/** F at 0x1e40, `mov eax,1; ret`, on the code page; the loop rewrites it as `mov eax,2; ret`. */
const F = 0x1e40;

Deno.test("a function a loop's stores rewrite on the loop's code page runs its new code", async () => {
  const setup = (cpu: Cpu) => {
    random([DATA, 0x320], [0x1e00, 0x320])(cpu);
    cpu.mem.write(F, Uint8Array.from(hex("b8 01 00 00 00 c3")));
    // dst[i] = src[i] + i: dwords 16 and 17 of dst become b8 02 00 00, 00 c3 00 00.
    cpu.mem.writeU32(DATA + 16 * 4, 0x2b8 - 16);
    cpu.mem.writeU32(DATA + 17 * 4, 0xc300 - 17);
  };
  // Twice: ebx += F() 60 times, then the loop stores 0x1e00..0x2120 (into the next page).
  const s: Scenario = {
    steps: 3200,
    chunk: 5000,
    setup,
    ranges: [[0x1000, 0x2000]],
    code: hex(
      "bd 02 00 00 00" + // 0: mov ebp,2
        " b9 3c 00 00 00" + // 5: O: mov ecx,60
        " e8 31 0e 00 00 01 c3 49 75 f6" + // 10: P: call F; add ebx,eax; dec ecx; jnz P
        " 31 c0 be 00 00 04 00 bf 00 1e 00 00" + // 20: xor eax,eax; mov esi,0x40000; mov edi,0x1e00
        " 8b 14 86 01 c2 89 14 87" + // 32: L: mov edx,[esi+eax*4]; add edx,eax; mov [edi+eax*4],edx
        " 40 3d c8 00 00 00 75 f0" + // 40: inc eax; cmp eax,200; jne L
        " 4d 75 d2" + // 48: dec ebp; jnz O
        " eb fe", // 51: spin
    ),
  };
  await agreeVector(s);
  const { cpu } = await assertEnginesAgree(s, AGREE_MODES[0]);
  assert.equal(cpu.reg32(3), 60 * 1 + 60 * 2, "the second pass called the rewritten F");
});

Deno.test("a loop whose load or store runs past the end of RAM agrees", async () => {
  await agreeVector(copyLoop(RAM_END - 0x100, DATA));
  await agreeVector(copyLoop(DATA, RAM_END - 0x100));
});

/** memset of 256 dwords with the pointer as counter, compared `cmp edi,ebp` or `cmp ebp,edi`. */
function memset(test: string): Scenario {
  return {
    steps: 1030,
    setup: random([DATA, 0x500]),
    ranges: [[DATA, 0x500]],
    code: hex(
      "bf 00 00 04 00 bd 00 04 04 00" + // 0: mov edi,0x40000; mov ebp,0x40400
        " b8 78 56 34 12" + // 10: mov eax,0x12345678
        " 89 07 83 c7 04" + // 15: L: mov [edi],eax; add edi,4
        " " + test + " 75 f7" + // 20: cmp edi,ebp (39 ef) or cmp ebp,edi (39 fd); jne L
        " eb fe", // 24: spin
    ),
  };
}

Deno.test("JIT and interpreter agree on a memset whose pointer is the counter (either side of cmp)", async () => {
  assertVectorised(await agreeVector(memset("39 ef")));
  assertVectorised(await agreeVector(memset("39 fd")));
});

Deno.test("JIT and interpreter agree on a loop whose pointer steps before a later access uses it", async () => {
  assertVectorised(
    await agreeVector({
      steps: 3600,
      chunk: 977,
      setup: random([DATA + 0x1000, 0x800], [DATA + 0x2000, 0x800]),
      ranges: [[DATA + 0x1000, 0x1800]],
      code: hex(
        "bb 00 00 04 00 be 00 08 04 00" + // 0: mov ebx,0x40000; mov esi,0x40800
          " 8b 8b 00 10 00 00" + // 10: L: mov ecx,[ebx+0x1000]
          " 83 c3 04" + // 16: add ebx,4
          " c1 e9 07 81 e1 ff ff 00 00" + // 19: shr ecx,7; and ecx,0xffff
          " 89 8b fc 1f 00 00" + // 28: mov [ebx+0x1ffc],ecx   (0x2000 past ebx as it was)
          " 39 f3 75 e4" + // 34: cmp ebx,esi; jne L
          " eb fe", // 38: spin
      ),
    }),
  );
});

Deno.test("JIT and interpreter agree on a loop counting down to zero beside a rising pointer", async () => {
  assertVectorised(
    await agreeVector({
      steps: 2120,
      setup: random([DATA, 0x600]),
      ranges: [[DATA, 0x1600]],
      code: hex(
        "b9 2d 01 00 00 bf 00 00 04 00" + // 0: mov ecx,301; mov edi,0x40000
          " 8b 07 f7 d0" + // 10: L: mov eax,[edi]; not eax
          " 89 87 00 10 00 00" + // 14: mov [edi+0x1000],eax
          " 83 c7 04 83 e9 01" + // 20: add edi,4; sub ecx,1
          " 83 f9 00 75 eb" + // 26: cmp ecx,0; jne L
          " eb fe", // 31: spin
      ),
    }),
  );
});

/** 203 iterations leaving edx and ebx computed in the body; 1423 steps end right after the loop. */
const LAST_VALUES = hex(
  "31 c0 be 00 00 04 00" + // 0: xor eax,eax; mov esi,0x40000
    " 8b 14 86 89 d3" + // 7: L: mov edx,[esi+eax*4]; mov ebx,edx
    " c1 e3 03 31 c3" + // 12: shl ebx,3; xor ebx,eax
    " 89 9c 86 00 10 00 00" + // 17: mov [esi+eax*4+0x1000],ebx
    " 40 3d cb 00 00 00 75 e7" + // 24: inc eax; cmp eax,203; jne L
    " eb fe", // 32: spin
);

Deno.test("registers computed in the loop and the flags end as one by one, at the loop's end or mid-loop", async () => {
  for (const steps of [1423, 1430, 2 + 7 * 150 + 3]) {
    const setup = random([DATA, 0x400]);
    assertVectorised(
      await agreeVector({ code: LAST_VALUES, steps, setup, ranges: [[DATA, 0x1400]] }),
    );
  }
});

Deno.test("budgets ending mid-loop soon after the SIMD groups agree; too small for a group, scalar", async () => {
  const s = { code: LAST_VALUES, steps: 1430, setup: random([DATA, 0x400]) };
  for (const chunk of [7, 13, 34, 101, 1000]) {
    const counts = await agreeVector({ ...s, chunk, ranges: [[DATA, 0x1400]] });
    // A group needs a budget for its four iterations (28 steps) and one scalar iteration more.
    if (chunk < 35) assertScalar(counts);
    else assertVectorised(counts);
  }
});

Deno.test("register work in lanes agrees: imul3, sub, and, or, xor, not, neg, shifts, zero idiom", async () => {
  assertVectorised(
    await agreeVector({
      steps: 3200,
      setup: random([DATA, 0x2000]),
      ranges: [[DATA, 0x4000]],
      code: hex(
        "31 c0 be 00 00 04 00 bf 34 12 5a 5a" + // 0: xor eax,eax; mov esi,0x40000; mov edi,0x5a5a1234
          " 6b 14 86 07" + // 12: L: imul edx,[esi+eax*4],7
          " 8b 9c 86 00 10 00 00" + // 16: mov ebx,[esi+eax*4+0x1000]
          " 29 d3 81 e3 0f ff f0 0f" + // 23: sub ebx,edx; and ebx,0x0ff0ff0f
          " 09 c3 31 fb f7 d3" + // 31: or ebx,eax (the counter); xor ebx,edi; not ebx
          " f7 da c1 e2 03 c1 eb 05" + // 37: neg edx; shl edx,3; shr ebx,5
          " 89 d9 c1 f9 02 31 d1" + // 45: mov ecx,ebx; sar ecx,2; xor ecx,edx
          " 31 ed 29 cd" + // 52: xor ebp,ebp; sub ebp,ecx
          " 89 8c 86 00 20 00 00" + // 56: mov [esi+eax*4+0x2000],ecx
          " 89 ac 86 00 30 00 00" + // 63: mov [esi+eax*4+0x3000],ebp
          " 40 3d 96 00 00 00 75 be" + // 70: inc eax; cmp eax,150; jne L
          " eb fe", // 78: spin
      ),
    }),
  );
});

Deno.test("memory work in lanes agrees: mov imm, counter as value, add imm, inc, dec, not, neg, sub, xor, shifts", async () => {
  assertVectorised(
    await agreeVector({
      steps: 2200,
      setup: random([DATA, 0xb000]),
      ranges: [[DATA, 0xb000]],
      code: hex(
        "31 c0 be 00 00 04 00 ba 77 00 00 00" + // 0: xor eax,eax; mov esi,0x40000; mov edx,0x77
          " c7 04 86 67 45 23 01" + // 12: L: mov dword [esi+eax*4],0x1234567
          " 89 84 86 00 10 00 00" + // 19: mov [esi+eax*4+0x1000],eax
          " 83 84 86 00 20 00 00 63" + // 26: add dword [esi+eax*4+0x2000],99
          " ff 84 86 00 30 00 00" + // 34: inc dword [esi+eax*4+0x3000]
          " ff 8c 86 00 40 00 00" + // 41: dec dword [esi+eax*4+0x4000]
          " f7 94 86 00 50 00 00" + // 48: not dword [esi+eax*4+0x5000]
          " f7 9c 86 00 60 00 00" + // 55: neg dword [esi+eax*4+0x6000]
          " 29 94 86 00 70 00 00" + // 62: sub [esi+eax*4+0x7000],edx
          " 31 84 86 00 80 00 00" + // 69: xor [esi+eax*4+0x8000],eax
          " c1 a4 86 00 90 00 00 05" + // 76: shl dword [esi+eax*4+0x9000],5
          " d1 bc 86 00 a0 00 00" + // 84: sar dword [esi+eax*4+0xa000],1
          " 40 3d 96 00 00 00 75 a9" + // 91: inc eax; cmp eax,150; jne L
          " eb fe", // 99: spin
      ),
    }),
  );
});

Deno.test("a counter that steps over its limit (never equal) agrees and stays scalar", async () => {
  assertScalar(
    await agreeVector({
      steps: 3000,
      chunk: 999,
      setup: random([DATA, 0x1400]),
      ranges: [[DATA, 0x2400]],
      code: hex(
        "31 c0 be 00 00 04 00" + // 0: xor eax,eax; mov esi,0x40000
          " 8b 14 46 83 c2 01" + // 7: L: mov edx,[esi+eax*2]; add edx,1
          " 89 94 46 00 10 00 00" + // 13: mov [esi+eax*2+0x1000],edx
          " 83 c0 02 3d c9 00 00 00 75 e9" + // 20: add eax,2; cmp eax,201; jne L
          " eb fe", // 30: spin
      ),
    }),
  );
});

/** Counts eax from 7 to ebx = 250 (`cmp eax,ebx` or `cmp ebx,eax`), scaling by the limit. */
function registerLimit(test: string): Scenario {
  return {
    steps: 1500,
    setup: random([DATA, 0x400]),
    ranges: [[DATA, 0x1400]],
    code: hex(
      "b8 07 00 00 00 bb fa 00 00 00 be 00 00 04 00" + // 0: mov eax,7; mov ebx,250; mov esi,0x40000
        " 8b 14 86 0f af d3" + // 15: L: mov edx,[esi+eax*4]; imul edx,ebx
        " 89 94 86 00 10 00 00" + // 21: mov [esi+eax*4+0x1000],edx
        " 40 " + test + " 75 ee" + // 28: inc eax; cmp eax,ebx (39 d8) or cmp ebx,eax (39 c3); jne L
        " eb fe", // 33: spin
    ),
  };
}

Deno.test("a counter whose limit is a register the loop never writes runs in SIMD lanes", async () => {
  assertVectorised(await agreeVector(registerLimit("39 d8")));
  assertVectorised(await agreeVector(registerLimit("39 c3")));
});

Deno.test("a counter falling past zero to a register limit, used as a value, runs in SIMD lanes", async () => {
  assertVectorised(
    await agreeVector({
      steps: 1300,
      chunk: 333,
      setup: random([DATA, 0x400]),
      ranges: [[DATA, 0x1400]],
      code: hex(
        "b9 96 00 00 00 bb ce ff ff ff bf 00 00 04 00" + // 0: mov ecx,150; mov ebx,-50; mov edi,0x40000
          " 8b 07 0f af c1" + // 15: L: mov eax,[edi]; imul eax,ecx
          " 89 87 00 10 00 00" + // 20: mov [edi+0x1000],eax
          " 83 c7 04 49 39 cb 75 ed" + // 26: add edi,4; dec ecx; cmp ebx,ecx; jne L
          " eb fe", // 34: spin
      ),
    }),
  );
});

Deno.test("steps mid-body (add twice, lea), a counter crossing zero, shift counts over 31 agree", async () => {
  assertVectorised(
    await agreeVector({
      steps: 1950,
      chunk: 1001,
      setup: random([DATA, 0x6000]),
      ranges: [[DATA, 0x6000]],
      code: hex(
        "b8 ec ff ff ff be 00 01 04 00" + // 0: mov eax,-20; mov esi,0x40100
          " bf 00 10 04 00 bd 00 40 04 00 bb 07 00 00 00" + // 10: mov edi,0x41000; mov ebp,0x44000; mov ebx,7
          " 6b 14 86 fd" + // 25: L: imul edx,[esi+eax*4],-3
          " 83 c7 02 89 57 fe" + // 29: add edi,2; mov [edi-2],edx
          " c1 e2 23 89 d9 c1 f9 21" + // 35: shl edx,35; mov ecx,ebx; sar ecx,33
          " 31 d1 83 f9 05" + // 43: xor ecx,edx; cmp ecx,5   (flags only)
          " 83 c7 02 89 8f fc 0f 00 00" + // 48: add edi,2; mov [edi+0xffc],ecx
          " 40 89 84 86 fc 2f 00 00" + // 57: inc eax; mov [esi+eax*4+0x2ffc],eax
          " 8d 6d 04 89 5d fc 83 c3 03" + // 65: lea ebp,[ebp+4]; mov [ebp-4],ebx; add ebx,3
          " 83 f8 64 75 ca" + // 74: cmp eax,100; jne L
          " eb fe", // 79: spin
      ),
    }),
  );
});

/** memset's byte loop: cl stored over 1000 bytes from DATA + 3, `cmp edx,eax` the test. */
const BYTE_MEMSET: Scenario = {
  steps: 4010,
  setup: random([DATA, 0x400]),
  ranges: [[DATA, 0x400]],
  code: hex(
    "b8 03 00 04 00 ba eb 03 04 00" + // 0: mov eax,0x40003; mov edx,0x403eb
      " b9 f1 de bc 9a" + // 10: mov ecx,0x9abcdef1
      " 88 08 40 39 c2 75 f9" + // 15: L: mov [eax],cl; inc eax; cmp edx,eax; jne L
      " eb fe", // 22: spin
  ),
};

Deno.test("memset's byte loop from an unaligned start runs sixteen bytes a group in SIMD lanes", async () => {
  assertVectorised(await agreeVector(BYTE_MEMSET));
});

Deno.test("byte loops whose budgets end every 13, 37, 101 or 200 steps agree", async () => {
  for (const chunk of [13, 37, 101, 200]) {
    const counts = await agreeVector({ ...BYTE_MEMSET, chunk });
    // A group needs a budget for its sixteen iterations (64 steps) and one scalar iteration more.
    if (chunk < 68) assertScalar(counts);
    else assertVectorised(counts);
  }
});

/** `movsb; cmp edi,eax; jne` copying 300 bytes from src to dst, with cld (fc) or std (fd). */
function movsbLoop(src: number, dst: number, flag = "fc"): Scenario {
  const n = flag === "fc" ? 300 : -300;
  // 320 bytes either side of each start.
  const ranges: [number, number][] = [src, dst].map((a) => [a - 0x140, 0x280]);
  return {
    steps: 910,
    setup: random(...ranges),
    ranges,
    code: hex(
      flag + " be " + le32(src) + " bf " + le32(dst) + // 0: cld/std; mov esi,src; mov edi,dst
        " 8d 87 " + le32(n) + // 11: lea eax,[edi+n]
        " a4 39 c7 75 fb" + // 17: L: movsb; cmp edi,eax; jne L
        " eb fe", // 22: spin
    ),
  };
}

Deno.test("memcpy's movsb loop runs in SIMD lanes forward; with DF set (backward) it stays scalar", async () => {
  assertVectorised(await agreeVector(movsbLoop(DATA, DATA + 0x1000)));
  assertScalar(await agreeVector(movsbLoop(DATA + 0x400, DATA + 0x1400, "fd")));
});

Deno.test("movsb onto its source 5 bytes ahead (replicating a pattern) stays scalar; 5 behind, lanes", async () => {
  assertScalar(await agreeVector(movsbLoop(DATA, DATA + 5)));
  assertVectorised(await agreeVector(movsbLoop(DATA + 5, DATA)));
});

Deno.test("lodsb, byte work and stosb in lanes leave al the last byte and eax's upper bits alone", async () => {
  const s: Scenario = {
    steps: 2410,
    setup: random([DATA, 0x200], [DATA + 0x1000, 0x200]),
    ranges: [[DATA, 0x1200]],
    code: hex(
      "fc be 01 00 04 00 bf 02 10 04 00" + // 0: cld; mov esi,0x40001; mov edi,0x41002
        " 8d 96 90 01 00 00" + // 11: lea edx,[esi+400]
        " b8 d4 c3 b2 a1 bb 37 00 00 00" + // 17: mov eax,0xa1b2c3d4; mov ebx,0x37
        " ac 34 5a 00 d8 aa" + // 27: L: lodsb; xor al,0x5a; add al,bl; stosb
        " 39 d6 75 f6" + // 33: cmp esi,edx; jne L
        " eb fe", // 37: spin
    ),
  };
  assertVectorised(await agreeVector(s));
  const { cpu } = await assertEnginesAgree(s, AGREE_MODES[0]);
  const last = cpu.mem.read(DATA + 400, 1)[0];
  assert.equal(cpu.reg32(0) >>> 0, (0xa1b2c300 | (((last ^ 0x5a) + 0x37) & 0xff)) >>> 0);
});

Deno.test("stosd of an invariant eax and a movsd copy run in SIMD lanes", async () => {
  const ranges: [number, number][] = [[DATA, 0x1400]];
  const setup = random([DATA, 0x400], [DATA + 0x1000, 0x400]);
  assertVectorised(
    await agreeVector({
      steps: 610,
      setup,
      ranges,
      code: hex(
        "fc bf 00 00 04 00 ba 20 03 04 00" + // 0: cld; mov edi,0x40000; mov edx,0x40320
          " b8 ef be ad de" + // 11: mov eax,0xdeadbeef
          " ab 39 d7 75 fb" + // 16: L: stosd; cmp edi,edx; jne L
          " eb fe", // 21: spin
      ),
    }),
  );
  assertVectorised(
    await agreeVector({
      steps: 610,
      setup,
      ranges,
      code: hex(
        "fc be 00 00 04 00 bf 00 10 04 00" + // 0: cld; mov esi,0x40000; mov edi,0x41000
          " ba 20 13 04 00" + // 11: mov edx,0x41320
          " a5 39 d7 75 fb" + // 16: L: movsd; cmp edi,edx; jne L
          " eb fe", // 21: spin
      ),
    }),
  );
});

Deno.test("byte shifts by counts under 8 (or 35, masked to 3) and the counter's low byte run in lanes", async () => {
  assertVectorised(
    await agreeVector({
      steps: 5510,
      setup: random([DATA, 0x6200]),
      ranges: [[DATA, 0x6200]],
      code: hex(
        "31 c9 be 00 00 04 00 ba 44 33 22 11" + // 0: xor ecx,ecx; mov esi,0x40000; mov edx,0x11223344
          " c0 24 0e 03" + // 12: L: shl byte [esi+ecx],3
          " c0 ac 0e 00 10 00 00 05" + // 16: shr byte [esi+ecx+0x1000],5
          " d0 bc 0e 00 20 00 00" + // 24: sar byte [esi+ecx+0x2000],1
          " c0 bc 0e 00 30 00 00 23" + // 31: sar byte [esi+ecx+0x3000],35
          " 8a 94 0e 00 40 00 00 c0 fa 02" + // 39: mov dl,[esi+ecx+0x4000]; sar dl,2
          " 88 94 0e 00 50 00 00" + // 49: mov [esi+ecx+0x5000],dl
          " 88 8c 0e 00 60 00 00" + // 56: mov [esi+ecx+0x6000],cl
          " 41 81 f9 f4 01 00 00 75 c4" + // 63: inc ecx; cmp ecx,500; jne L
          " eb fe", // 72: spin
      ),
    }),
  );
});

Deno.test("byte shifts by 8 or more (shl 9, shr 8, sar 12) agree and stay scalar", async () => {
  // ModRM 24, 2c, 3c: shl, shr, sar of byte [esi+ecx].
  for (const [modrm, count] of [["24", 9], ["2c", 8], ["3c", 12]] as const) {
    assertScalar(
      await agreeVector({
        steps: 2010,
        setup: random([DATA, 0x200]),
        ranges: [[DATA, 0x200]],
        code: hex(
          "31 c9 be 00 00 04 00" + // 0: xor ecx,ecx; mov esi,0x40000
            " c0 " + modrm + " 0e " + le8(count) + // 7: L: shl/shr/sar byte [esi+ecx],count
            " 41 81 f9 f4 01 00 00 75 f3" + // 11: inc ecx; cmp ecx,500; jne L
            " eb fe", // 20: spin
        ),
      }),
    );
  }
});

Deno.test("a byte loop storing ah (no 8-bit lane register) agrees and stays scalar", async () => {
  assertScalar(
    await agreeVector({
      steps: 1210,
      setup: random([DATA, 0x200]),
      ranges: [[DATA, 0x200]],
      code: hex(
        "31 c9 be 00 00 04 00 b8 34 12 00 00" + // 0: xor ecx,ecx; mov esi,0x40000; mov eax,0x1234
          " 88 24 0e 41 81 f9 2c 01 00 00 75 f4" + // 12: L: mov [esi+ecx],ah; inc ecx; cmp ecx,300; jne L
          " eb fe", // 24: spin
      ),
    }),
  );
});
