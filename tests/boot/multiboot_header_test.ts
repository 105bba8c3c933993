/** Tests of finding and decoding the multiboot header. */

import assert from "node:assert/strict";
import { findMultibootHeader, multibootFlagNames } from "../../src/boot/multiboot_header.ts";
import { multibootHeader, u32s } from "./_elf_builder.ts";

/** A file of `size` zero bytes with `bytes` placed at `offset`. */
function fileWith(size: number, offset: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(size);
  out.set(bytes, offset);
  return out;
}

Deno.test("findMultibootHeader() finds a valid header at each aligned offset in the first 8 KiB", () => {
  for (const offset of [0, 4, 0x100, 8192 - 12]) {
    const image = fileWith(16384, offset, multibootHeader({ flags: 3 }));
    assert.equal(findMultibootHeader(image)?.offset, offset);
  }
});

Deno.test("findMultibootHeader() ignores headers that are unaligned, too late, or mis-summed", () => {
  const cases: [string, Uint8Array][] = [
    ["unaligned", fileWith(4096, 6, multibootHeader({ flags: 3 }))],
    ["past 8192 bytes", fileWith(16384, 8192, multibootHeader({ flags: 3 }))],
    ["straddling 8192 bytes", fileWith(16384, 8192 - 8, multibootHeader({ flags: 3 }))],
    ["bad checksum", fileWith(4096, 0, multibootHeader({ flags: 3, checksumDelta: -1 }))],
    ["cut short", multibootHeader({ flags: 3 }).subarray(0, 8)],
    ["empty", new Uint8Array(0)],
  ];
  for (const [what, image] of cases) assert.equal(findMultibootHeader(image), null, what);
});

Deno.test("findMultibootHeader() takes the first valid header after a mis-summed one", () => {
  const image = fileWith(4096, 0, multibootHeader({ flags: 3, checksumDelta: 5 }));
  image.set(multibootHeader({ flags: 1 }), 64);
  assert.deepEqual(findMultibootHeader(image), { offset: 64, flags: 1, aout: null, video: null });
});

Deno.test("findMultibootHeader() decodes the a.out kludge and video fields", () => {
  const header = multibootHeader({
    flags: 0x10007,
    extra: [0x100000, 0x100000, 0x101000, 0x102000, 0x10000c, 1, 80, 25, 0],
  });
  assert.deepEqual(findMultibootHeader(fileWith(256, 32, header)), {
    offset: 32,
    flags: 0x10007,
    aout: {
      headerAddr: 0x100000,
      loadAddr: 0x100000,
      loadEndAddr: 0x101000,
      bssEndAddr: 0x102000,
      entryAddr: 0x10000c,
    },
    video: { modeType: 1, width: 80, height: 25, depth: 0 },
  });
});

Deno.test("findMultibootHeader() throws when the a.out fields are cut off by the end of file", () => {
  const header = multibootHeader({ flags: 0x10000, extra: [0x100000] });
  assert.throws(() => findMultibootHeader(header, 'Cannot load kernel "a"'), {
    name: "ImageFormatError",
    message: /^Cannot load kernel "a": multiboot header at 0x0 sets the a\.out kludge flag/,
  });
});

Deno.test("multibootFlagNames() names the defined bits and numbers the rest", () => {
  const cases: [number, string[]][] = [
    [0, []],
    [0x3, ["page-align-modules", "memory-info"]],
    [0x10004, ["video-mode", "aout-kludge"]],
    [0x80000020, ["bit 5", "bit 31"]],
  ];
  for (const [flags, names] of cases) assert.deepEqual(multibootFlagNames(flags), names);
});

Deno.test("u32s() in the test builder writes little-endian words", () => {
  assert.deepEqual(u32s([0x1badb002]), new Uint8Array([0x02, 0xb0, 0xad, 0x1b]));
});
