import assert from "node:assert/strict";
import { createVm, type EngineKind } from "../../src/mod.ts";
import { hex } from "./_agree.ts";

/**
 * Firmware that enters flat 32-bit protected mode, then reads physical 0x100500 in a loop
 * twice: once with the A20 gate open, once after closing it through port 0x92, when the read
 * wraps to 0x000500. The exit status is the sum of both reads.
 */
function a20Rom(): Uint8Array {
  const real = [
    "fa", //                   cli
    "2e 0f 01 16 60 00", //    lgdt [cs:0x60]
    "0f 20 c0", //             mov eax, cr0
    "0c 01", //                or al, 1
    "0f 22 c0", //             mov cr0, eax
    "66 ea 80 00 0f 00 08 00", // jmp dword 0x08:0xF0080
  ];
  const gdt = [
    "00 00 00 00 00 00 00 00",
    "ff ff 00 00 00 9a cf 00", // 0x08: flat 32-bit code
    "ff ff 00 00 00 92 cf 00", // 0x10: flat data
  ];
  const gdtr = ["17 00 40 00 0f 00"]; // limit 23, base 0xF0040
  const flat = [
    "66 b8 10 00", //          mov ax, 0x10
    "8e d8", //                mov ds, ax
    "8e c0", //                mov es, ax
    "8e d0", //                mov ss, ax
    "c7 05 00 05 00 00 11 11 00 00", // mov dword [0x000500], 0x1111
    "c7 05 00 05 10 00 22 22 00 00", // mov dword [0x100500], 0x2222
    "31 f6", //                xor esi, esi
    "b9 02 00 00 00", //       mov ecx, 2
    "a1 00 05 10 00", //       L: mov eax, [0x100500]
    "01 c6", //                add esi, eax
    "e4 92", //                in al, 0x92
    "24 fd", //                and al, 0xfd (A20 off)
    "e6 92", //                out 0x92, al
    "e2 f1", //                loop L
    "89 f0", //                mov eax, esi
    "e7 f4", //                out 0xf4, eax
  ];
  const rom = new Uint8Array(0x10000).fill(0xf4);
  rom.set(real.flatMap(hex), 0);
  rom.set(gdt.flatMap(hex), 0x40);
  rom.set(gdtr.flatMap(hex), 0x60);
  rom.set(flat.flatMap(hex), 0x80);
  rom.set(hex("ea 00 00 00 f0"), 0xfff0); // jmp far F000:0000
  return rom;
}

Deno.test("a read through a loop compiled with the A20 gate open wraps once the guest closes it", async () => {
  const engines: [EngineKind, number][] = [["interp", 0], ["jit", 0], ["jit", 1]];
  for (const [engine, jitThreshold] of engines) {
    const vm = await createVm(a20Rom(), { deterministic: true, engine, jitThreshold });
    const exit = await vm.run();
    assert.equal(
      exit.kind === "shutdown" && exit.status,
      0x3333,
      `${engine} (threshold ${jitThreshold}): 0x2222 with A20 open, then 0x1111 with it closed`,
    );
  }
});
