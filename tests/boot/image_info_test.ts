/** Tests of describing images for `jitvisor info`. */

import assert from "node:assert/strict";
import { describeImage, formatImageInfo } from "../../src/boot/image_info.ts";
import {
  buildAout,
  buildBzImage,
  buildElf,
  type ElfSpec,
  headerOffset,
  pattern,
} from "./_elf_builder.ts";

const KERNEL: ElfSpec = {
  entry: 0x100004,
  segments: [
    { vaddr: 0x100000, data: pattern(0x40), flags: 5 },
    { vaddr: 0x102000, data: pattern(0x10), memsz: 0x1800, flags: 6 },
  ],
};

Deno.test("describeImage() tells each format apart", () => {
  const cases: [string, Uint8Array, string][] = [
    ["multiboot ELF", buildElf(KERNEL), "multiboot-elf32"],
    ["plain ELF", buildElf({ ...KERNEL, multiboot: null }), "elf32"],
    [
      "a.out kludge",
      buildAout({
        headerAddr: 0x100000,
        loadAddr: 0x100000,
        loadEndAddr: 0,
        bssEndAddr: 0,
        entryAddr: 0x100020,
        body: pattern(32),
      }),
      "multiboot-aout",
    ],
    ["bzImage", buildBzImage({ kernel: pattern(100) }), "linux-bzimage"],
    ["text", new TextEncoder().encode("hello, world\n"), "raw"],
    ["empty", new Uint8Array(0), "raw"],
  ];
  for (const [what, bytes, format] of cases) {
    assert.equal(describeImage(bytes).format, format, what);
  }
});

Deno.test("describeImage() lists the segments, entry and multiboot flags of an ELF kernel", () => {
  const info = describeImage(buildElf(KERNEL), "k.elf");
  assert.deepEqual(info, {
    name: "k.elf",
    size: buildElf(KERNEL).length,
    format: "multiboot-elf32",
    entry: 0x100004,
    segments: [
      { vaddr: 0x100000, paddr: 0x100000, filesz: 0x40, memsz: 0x40, flags: "r-x" },
      { vaddr: 0x102000, paddr: 0x102000, filesz: 0x10, memsz: 0x1800, flags: "rw-" },
    ],
    multiboot: {
      offset: headerOffset(KERNEL),
      flags: 3,
      flagNames: ["page-align-modules", "memory-info"],
    },
    linux: null,
  });
});

Deno.test("describeImage() reports the setup header of a bzImage", () => {
  const info = describeImage(buildBzImage({ kernel: pattern(1000), initSize: 0x10000 }));
  assert.equal(info.entry, 0x100000);
  assert.deepEqual(info.linux, {
    protocol: "2.15",
    setupSects: 1,
    loadflags: 1,
    loadflagNames: ["loaded-high"],
    code32Start: 0x100000,
    cmdlineSize: 2047,
    initrdAddrMax: 0x7fffffff,
    initSize: 0x10000,
  });
  assert.deepEqual(info.segments, [
    { vaddr: 0x100000, paddr: 0x100000, filesz: 1000, memsz: 0x10000, flags: "rwx" },
  ]);
});

Deno.test("describeImage() throws a named ImageFormatError for a truncated ELF", () => {
  const image = buildElf(KERNEL).subarray(0, 80);
  assert.throws(() => describeImage(image, "cut.elf"), {
    name: "ImageFormatError",
    message: /^Cannot describe image "cut\.elf": ELF program headers at 0x34/,
  });
});

Deno.test("formatImageInfo() prints a multiboot kernel as aligned lines", () => {
  const image = buildElf(KERNEL);
  assert.equal(
    formatImageInfo(describeImage(image, "k.elf")),
    [
      `image:     k.elf (${image.length} bytes)`,
      "format:    multiboot-elf32",
      `multiboot: header at 0x${
        headerOffset(KERNEL).toString(16)
      }, flags 0x3 (page-align-modules, memory-info)`,
      "entry:     0x100004",
      "segments:  vaddr       paddr       filesz      memsz       flags",
      "           0x00100000  0x00100000  0x00000040  0x00000040  r-x",
      "           0x00102000  0x00102000  0x00000010  0x00001800  rw-",
    ].join("\n"),
  );
});

Deno.test("formatImageInfo() prints the boot protocol fields of a bzImage", () => {
  const text = formatImageInfo(describeImage(buildBzImage({ kernel: pattern(1000) }), "bz"));
  for (
    const line of [
      "format:    linux-bzimage",
      "protocol:  2.15",
      "setup:     1 sectors",
      "loadflags: 0x1 (loaded-high)",
      "code32:    0x100000",
      "cmdline:   up to 2047 bytes",
      "initrd:    below 0x80000000",
    ]
  ) {
    assert.ok(text.split("\n").includes(line), `missing line ${JSON.stringify(line)} in\n${text}`);
  }
});
