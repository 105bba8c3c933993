import assert from "node:assert/strict";
import { createVm } from "../../src/mod.ts";

/** A 64 KiB firmware image: code at F000:0000, a far jump to it at the reset vector F000:FFF0. */
function firmware(code: number[]): Uint8Array {
  const rom = new Uint8Array(0x10000).fill(0xf4);
  rom.set(code, 0);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0); // jmp far F000:0000
  return rom;
}

Deno.test("a firmware ROM starts in real mode at F000:FFF0 and runs from its 0xF0000 alias", async () => {
  const rom = firmware([
    0xb0,
    0x52, //       mov al, 'R'
    0xe6,
    0xe9, //       out 0xe9, al
    0x8c,
    0xc8, //       mov ax, cs
    0x66,
    0x0f,
    0xb7,
    0xc0, // movzx eax, ax
    0x66,
    0xe7,
    0xf4, // out 0xf4, eax: the exit status is CS
  ]);
  let debug = "";
  const vm = await createVm(rom, {
    deterministic: true,
    debugOutput: (b) => debug += new TextDecoder().decode(b),
  });
  assert.deepEqual(
    { cs: vm.cpu.segSelector(1), base: vm.cpu.segBase(1) >>> 0, eip: vm.cpu.eip },
    { cs: 0xf000, base: 0xffff0000, eip: 0xfff0 },
  );
  const exit = await vm.run();
  assert.equal(debug, "R");
  assert.equal(exit.kind === "shutdown" && exit.status, 0xf000);
});
