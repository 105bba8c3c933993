/** Loads every built guest kernel (guests/build/*.elf) with the multiboot loader, when present. */

import assert from "node:assert/strict";
import { PhysicalMemory } from "../../src/cpu/physical_memory.ts";
import { parseElf32 } from "../../src/boot/elf32.ts";
import { describeImage } from "../../src/boot/image_info.ts";
import { loadMultiboot } from "../../src/boot/multiboot.ts";

/** The folder the guest build script writes to. */
const BUILD_DIR = new URL("../../guests/build/", import.meta.url);

/** Names of the built guest kernels, or an empty list when none are built or readable. */
function builtGuests(): string[] {
  try {
    return [...Deno.readDirSync(BUILD_DIR)]
      .filter((e) => e.isFile && e.name.endsWith(".elf"))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

const guests = builtGuests();

Deno.test({
  name: "loadMultiboot() finds built guest kernels to load",
  ignore: guests.length === 0,
  fn: () => assert.ok(guests.length > 0),
});

for (const name of guests) {
  Deno.test(`loadMultiboot() loads the built guest ${name}`, () => {
    const image = Deno.readFileSync(new URL(name, BUILD_DIR));
    const info = describeImage(image, name);
    assert.equal(info.format, "multiboot-elf32");

    const mem = new PhysicalMemory(64 * 1024 * 1024);
    const boot = loadMultiboot(mem, image, { name, cmdline: name });
    assert.equal(boot.eax, 0x2badb002);
    assert.equal(boot.ebx, 0x9000);

    const elf = parseElf32(image, name);
    assert.ok(
      elf.segments.some((s) => boot.entry >= s.paddr && boot.entry < s.paddr + s.memsz),
      `entry 0x${boot.entry.toString(16)} lies in a loaded segment`,
    );
    for (const s of elf.segments) {
      assert.deepEqual(mem.read(s.paddr, s.filesz), image.subarray(s.offset, s.offset + s.filesz));
      assert.deepEqual(
        mem.read(s.paddr + s.filesz, s.memsz - s.filesz),
        new Uint8Array(s.memsz - s.filesz),
      );
      assert.ok(s.paddr + s.memsz <= boot.kernelEnd);
    }
  });
}
