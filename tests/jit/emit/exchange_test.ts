import { agreeInline, fillRandom, hex } from "../_agree.ts";

Deno.test("JIT inline xadd and cmpxchg agree with the interpreter (register and memory, equal and not)", async () => {
  await agreeInline({
    steps: 9000,
    chunk: 777,
    setup: (cpu) => fillRandom(cpu, 0x4000, 0x1000, 19),
    ranges: [[0x4000, 0x1000], [0x6000, 0x1800], [0x7f00, 0x100]],
    code: [
      ...hex("BF 00 60 00 00"), // mov edi, 0x6000
      ...hex("BE 00 40 00 00"), // mov esi, 0x4000
      ...hex("B9 96 00 00 00"), // mov ecx, 150
      ...hex("8B 06"), // L: mov eax, [esi]
      ...hex("8B 5E 04"), // mov ebx, [esi+4]
      ...hex("8B 56 08"), // mov edx, [esi+8]
      ...hex("0F C1 46 0C"), // xadd [esi+12], eax
      ...hex("9C"), // pushfd
      ...hex("8F 07"), // pop dword [edi]
      ...hex("0F C1 D3"), // xadd ebx, edx
      ...hex("0F 92 47 04"), // setc [edi+4]
      ...hex("0F 90 47 05"), // seto [edi+5]
      ...hex("0F C1 C0"), // xadd eax, eax
      ...hex("0F C0 F2"), // xadd dl, dh
      ...hex("66 0F C1 5E 10"), // xadd [esi+16], bx
      ...hex("0F B1 5E 14"), // cmpxchg [esi+20], ebx
      ...hex("9C"), // pushfd
      ...hex("8F 47 08"), // pop dword [edi+8]
      ...hex("8B 46 18"), // mov eax, [esi+24]
      ...hex("0F B1 56 18"), // cmpxchg [esi+24], edx
      ...hex("0F 94 47 06"), // setz [edi+6]
      ...hex("0F 92 47 07"), // setc [edi+7]
      ...hex("89 D0"), // mov eax, edx
      ...hex("0F B1 CB"), // cmpxchg ebx, ecx
      ...hex("0F 94 47 0C"), // setz [edi+12]
      ...hex("0F B1 DA"), // cmpxchg edx, ebx
      ...hex("0F 94 47 0D"), // setz [edi+13]
      ...hex("0F B1 E8"), // cmpxchg eax, ebp
      ...hex("0F B0 E3"), // cmpxchg bl, ah
      ...hex("9C"), // pushfd
      ...hex("8F 47 10"), // pop dword [edi+16]
      ...hex("66 0F B1 4E 1C"), // cmpxchg [esi+28], cx
      ...hex("0F 9C 47 14"), // setl [edi+20]
      ...hex("87 6E 20"), // xchg [esi+32], ebp
      ...hex("86 66 24"), // xchg ah, [esi+36]
      ...hex("89 47 18"), // mov [edi+24], eax
      ...hex("89 5F 1C"), // mov [edi+28], ebx
      ...hex("89 57 20"), // mov [edi+32], edx
      ...hex("89 6F 24"), // mov [edi+36], ebp
      ...hex("83 C6 0C"), // add esi, 12
      ...hex("83 C7 28"), // add edi, 40
      ...hex("49"), // dec ecx
      ...hex("75 86"), // jnz L
      ...hex("F4"), // hlt
    ],
  }, ["xadd", "cmpxchg", "xchg"]);
});
