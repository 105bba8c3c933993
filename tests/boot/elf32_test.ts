/** Tests of the ELF32 parser: accepted executables and every rejected shape. */

import assert from "node:assert/strict";
import { ImageFormatError } from "../../src/boot/image_error.ts";
import { parseElf32, physicalEntry, segmentFlagsText } from "../../src/boot/elf32.ts";
import { buildElf, type ElfSpec, pattern } from "./_elf_builder.ts";

const SUBJECT = 'Cannot load kernel "x.elf"';

const GOOD: ElfSpec = {
  entry: 0x100010,
  segments: [
    { vaddr: 0x100000, data: pattern(64), flags: 5 },
    { vaddr: 0x101000, data: pattern(16), memsz: 0x100, flags: 6 },
  ],
};

Deno.test("parseElf32() returns the entry and every PT_LOAD segment", () => {
  const elf = parseElf32(buildElf(GOOD), SUBJECT);
  assert.equal(elf.entry, 0x100010);
  assert.equal(elf.segments.length, 2);
  assert.deepEqual(
    elf.segments.map((s) => [s.vaddr, s.paddr, s.filesz, s.memsz, s.flags]),
    [[0x100000, 0x100000, 64, 64, 5], [0x101000, 0x101000, 16, 0x100, 6]],
  );
});

Deno.test("parseElf32() skips segments that are not PT_LOAD or have no memory size", () => {
  const elf = parseElf32(
    buildElf({
      entry: 0x100000,
      segments: [
        { vaddr: 0, data: pattern(8), type: 4 }, // PT_NOTE
        { vaddr: 0x200000, data: new Uint8Array(0) },
        { vaddr: 0x100000, data: pattern(8) },
      ],
    }),
    SUBJECT,
  );
  assert.deepEqual(elf.segments.map((s) => s.vaddr), [0x100000]);
});

Deno.test("physicalEntry() moves a higher-half entry by its segment's paddr - vaddr", () => {
  const elf = parseElf32(
    buildElf({
      entry: 0xc0100004,
      segments: [{ vaddr: 0xc0100000, paddr: 0x100000, data: pattern(16) }],
    }),
    SUBJECT,
  );
  assert.equal(physicalEntry(elf), 0x100004);
});

Deno.test("segmentFlagsText() spells p_flags as rwx with dashes", () => {
  for (
    const [flags, text] of [[0, "---"], [4, "r--"], [5, "r-x"], [6, "rw-"], [7, "rwx"]] as const
  ) {
    assert.equal(segmentFlagsText(flags), text);
  }
});

/** Each broken file, and the message it must give. */
const REJECTED: [string, () => Uint8Array, RegExp][] = [
  [
    "a text file",
    () => new TextEncoder().encode("just some notes\n"),
    /: not an ELF file \(magic is 6a 75 73 74, expected 7f 45 4c 46\)$/,
  ],
  ["an empty file", () => new Uint8Array(0), /not an ELF file \(magic is missing/],
  [
    "an ELF64 file",
    () => buildElf({ ...GOOD, elfClass: 2 }),
    /^Cannot load kernel "x.elf": ELF class is 2 but must be 1 \(ELFCLASS32\)$/,
  ],
  [
    "a big-endian ELF",
    () => buildElf({ ...GOOD, data: 2 }),
    /ELF data encoding is 2 but must be 1/,
  ],
  [
    "an x86-64 ELF",
    () => buildElf({ ...GOOD, machine: 62 }),
    /ELF machine is 62 but must be 3 \(EM_386\)$/,
  ],
  [
    "a shared object",
    () => buildElf({ ...GOOD, type: 3 }),
    /ELF type is 3 but must be 2 \(ET_EXEC/,
  ],
  [
    "a truncated ELF header",
    () => buildElf(GOOD).subarray(0, 30),
    /ELF header is truncated: the file has 30 bytes but the header needs 52$/,
  ],
  [
    "truncated program headers",
    () => buildElf(GOOD).subarray(0, 100),
    /ELF program headers at 0x34 \(2 × 32 bytes\) extend past the end of the file \(100 bytes\): the file is truncated$/,
  ],
  [
    "a segment past the end of the file",
    () => buildElf(GOOD).subarray(0, buildElf(GOOD).length - 4),
    /ELF segment 1 \(file offset 0x[0-9a-f]+, 16 bytes\) extends past the end of the file .*truncated$/,
  ],
  [
    "a segment with more bytes in the file than in memory",
    () => buildElf({ entry: 0, segments: [{ vaddr: 0x100000, data: pattern(32), memsz: 16 }] }),
    /ELF segment 0 has 32 bytes in the file but only 16 in memory$/,
  ],
  [
    "no loadable segments",
    () => buildElf({ entry: 0, segments: [{ vaddr: 0, data: pattern(4), type: 4 }] }),
    /ELF file has no loadable \(PT_LOAD\) segments$/,
  ],
  [
    "a segment wrapping past 4 GiB",
    () =>
      buildElf({ entry: 0, segments: [{ vaddr: 0xfffff000, data: pattern(4), memsz: 0x2000 }] }),
    /ELF segment 0 at 0xfffff000 wraps past 4 GiB$/,
  ],
];

for (const [what, make, message] of REJECTED) {
  Deno.test(`parseElf32() rejects ${what} with an ImageFormatError`, () => {
    assert.throws(() => parseElf32(make(), SUBJECT), (e: unknown) => {
      assert.ok(e instanceof ImageFormatError, `expected ImageFormatError, got ${e}`);
      assert.ok(e instanceof SyntaxError);
      assert.equal(e.name, "ImageFormatError");
      assert.match(e.message, message);
      assert.ok(!e.message.includes("\n"), "the message is one line");
      return true;
    });
  });
}

Deno.test("parseElf32() reports the offset of the field it found wrong", () => {
  const cases: [ElfSpec, number][] = [
    [{ ...GOOD, elfClass: 2 }, 4],
    [{ ...GOOD, type: 3 }, 16],
    [{ ...GOOD, machine: 8 }, 18],
  ];
  for (const [spec, offset] of cases) {
    assert.throws(() => parseElf32(buildElf(spec), SUBJECT), (e: unknown) => {
      assert.ok(e instanceof ImageFormatError);
      assert.equal(e.offset, offset);
      return true;
    });
  }
});
