import assert from "node:assert/strict";
import { agreeInline, fillRandom, hex } from "../_agree.ts";

Deno.test("JIT rep movs/stos agree with the interpreter: fast path, overlap, page crossing, DF set, long counts", async () => {
  const [first] = await agreeInline({
    steps: 4000,
    chunk: 777,
    setup: (cpu) => fillRandom(cpu, 0x4000, 0x1000, 29),
    ranges: [[0x4000, 0x1000], [0x5ff0, 0x4000]],
    code: [
      ...hex("BB 3C 00 00 00"), // mov ebx, 60
      ...hex("FC"), // L: cld
      ...hex("BE 00 40 00 00"), // mov esi, 0x4000
      ...hex("BF 00 60 00 00"), // mov edi, 0x6000
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("F3 A4"), // rep movsb
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("01 DE"), // add esi, ebx
      ...hex("F3 A5"), // rep movsd
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("B8 44 33 22 11"), // mov eax, 0x11223344
      ...hex("01 D8"), // add eax, ebx
      ...hex("F3 AB"), // rep stosd
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("F3 66 AB"), // rep stosw
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("F3 AA"), // rep stosb
      ...hex("BE 00 60 00 00"), // mov esi, 0x6000
      ...hex("8D 3C 1E"), // lea edi, [esi+ebx]
      ...hex("B9 64 00 00 00"), // mov ecx, 100
      ...hex("F3 A4"), // rep movsb
      ...hex("BE 00 61 00 00"), // mov esi, 0x6100
      ...hex("8D 3C 9E"), // lea edi, [esi+ebx*4]
      ...hex("81 EF 96 00 00 00"), // sub edi, 150
      ...hex("B9 28 00 00 00"), // mov ecx, 40
      ...hex("F3 A5"), // rep movsd
      ...hex("BF F0 6F 00 00"), // mov edi, 0x6ff0
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("F3 AA"), // rep stosb
      ...hex("BE E0 4F 00 00"), // mov esi, 0x4fe0
      ...hex("BF 00 70 00 00"), // mov edi, 0x7000
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("F3 66 A5"), // rep movsw
      ...hex("FD"), // std
      ...hex("BE 00 48 00 00"), // mov esi, 0x4800
      ...hex("BF 00 78 00 00"), // mov edi, 0x7800
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("F3 A5"), // rep movsd
      ...hex("89 D9"), // mov ecx, ebx
      ...hex("F3 AA"), // rep stosb
      ...hex("FC"), // cld
      ...hex("31 C9"), // xor ecx, ecx
      ...hex("F3 A4"), // rep movsb
      ...hex("F3 AB"), // rep stosd
      ...hex("B9 88 13 00 00"), // mov ecx, 5000
      ...hex("BF 00 80 00 00"), // mov edi, 0x8000
      ...hex("F3 AA"), // rep stosb
      ...hex("89 35 F0 5F 00 00"), // mov [0x5ff0], esi
      ...hex("89 3D F4 5F 00 00"), // mov [0x5ff4], edi
      ...hex("89 0D F8 5F 00 00"), // mov [0x5ff8], ecx
      ...hex("4B"), // dec ebx
      ...hex("0F 85 5C FF FF FF"), // jnz L
      ...hex("F4"), // hlt
    ],
  }, []);
  // 7 movs and 6 stos an iteration; the fast path covers most of those with a positive count.
  assert.ok((first.callouts.movs ?? 0) < 240, JSON.stringify(first.callouts));
  assert.ok((first.callouts.stos ?? 0) < 200, JSON.stringify(first.callouts));
});
