/** Tests of the reset-vector ROM loader. */

import assert from "node:assert/strict";
import { PhysicalMemory } from "../../src/cpu/physical_memory.ts";
import { ImageFormatError } from "../../src/boot/image_error.ts";
import { loadResetRom } from "../../src/boot/rom.ts";
import { pattern } from "./_elf_builder.ts";

const KIB = 1024;
const MIB = 1024 * KIB;

Deno.test("loadResetRom() maps the image below 4 GiB and its last 64 KiB at 0xF0000", () => {
  for (const size of [64 * KIB, 128 * KIB, 1 * MIB]) {
    const rom = pattern(size, 3);
    const mem = new PhysicalMemory(2 * MIB, size);
    const state = loadResetRom(mem, rom, "bios.bin");
    assert.deepEqual(state, { cs: 0xf000, csBase: 0xffff0000, ip: 0xfff0 });
    assert.equal(mem.kind(0xfffffff0), "rom");
    assert.equal(mem.kind(0x1_0000_0000 - size), "rom");
    // The reset vector's page is the ROM's last page (read directly from the shared memory).
    const top = mem.romBase + size;
    assert.deepEqual(mem.u8.subarray(top - 4096, top), rom.subarray(size - 4096));
    assert.deepEqual(mem.read(0xf0000, 64 * KIB), rom.subarray(size - 64 * KIB));
  }
});

Deno.test("loadResetRom() rejects sizes that are not a power of two from 64 KiB to 16 MiB", () => {
  const cases: [number, string][] = [
    [0, "0 bytes"],
    [32 * KIB, "32 KiB"],
    [96 * KIB, "96 KiB"],
    [32 * MIB, "32 MiB"],
    [65537, "65537 bytes"],
  ];
  for (const [size, text] of cases) {
    const mem = new PhysicalMemory(MIB, 64 * MIB);
    assert.throws(() => loadResetRom(mem, new Uint8Array(size), "fw.rom"), (e: unknown) => {
      assert.ok(e instanceof ImageFormatError);
      assert.equal(
        e.message,
        `Cannot load firmware "fw.rom": the image is ${text} but must be a power of two from ` +
          "64 KiB to 16 MiB",
      );
      return true;
    });
  }
});

Deno.test("loadResetRom() explains when the memory has no room for the ROM", () => {
  const mem = new PhysicalMemory(MIB, 64 * KIB);
  assert.throws(() => loadResetRom(mem, new Uint8Array(256 * KIB)), {
    name: "RangeError",
    message: "Cannot load firmware: the image is 256 KiB but the guest memory was created with " +
      "room for 64 KiB of ROM (pass a larger romCapacity)",
  });
});
