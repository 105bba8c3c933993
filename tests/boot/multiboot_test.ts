/** Tests of the multiboot loader: loading, the information structure, and every error path. */

import assert from "node:assert/strict";
import { PhysicalMemory } from "../../src/cpu/physical_memory.ts";
import { ImageFormatError } from "../../src/boot/image_error.ts";
import { loadMultiboot, type MultibootOptions } from "../../src/boot/multiboot.ts";
import { buildAout, buildElf, type ElfSpec, headerOffset, pattern } from "./_elf_builder.ts";

const MIB = 1024 * 1024;

/** A kernel with text at 1 MiB and data + bss at 1 MiB + 8 KiB. */
const KERNEL: ElfSpec = {
  entry: 0x100004,
  segments: [
    { vaddr: 0x100000, data: pattern(0x40), flags: 5 },
    { vaddr: 0x102000, data: pattern(0x10, 0x80), memsz: 0x1800, flags: 6 },
  ],
};

/** Guest memory of `size` bytes filled with 0xAA so zeroing is visible. */
function dirtyMemory(size = 64 * MIB): PhysicalMemory {
  const mem = new PhysicalMemory(size);
  mem.write(0, new Uint8Array(size).fill(0xaa));
  return mem;
}

/** The NUL-terminated string at `addr`. */
function cString(mem: PhysicalMemory, addr: number): string {
  const bytes = mem.read(addr, 4096);
  return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
}

/** Reads the memory map as [base, length, type] triples, checking each size field is 20. */
function readMmap(mem: PhysicalMemory, info: number): number[][] {
  const length = mem.readU32(info + 44);
  const addr = mem.readU32(info + 48);
  const out: number[][] = [];
  for (let at = addr; at < addr + length; at += 4 + mem.readU32(at)) {
    assert.equal(mem.readU32(at), 20, "each entry's size field is 20");
    assert.equal(mem.readU32(at + 8), 0, "base high");
    assert.equal(mem.readU32(at + 16), 0, "length high");
    out.push([mem.readU32(at + 4), mem.readU32(at + 12), mem.readU32(at + 20)]);
  }
  return out;
}

Deno.test("loadMultiboot() puts each segment at its physical address and zeroes the bss", () => {
  const mem = dirtyMemory();
  const boot = loadMultiboot(mem, buildElf(KERNEL), { name: "k.elf" });
  assert.deepEqual(mem.read(0x100000, 0x40), pattern(0x40));
  assert.deepEqual(mem.read(0x102000, 0x10), pattern(0x10, 0x80));
  assert.deepEqual(mem.read(0x102010, 0x17f0), new Uint8Array(0x17f0), "bss is zeroed");
  assert.equal(mem.read(0x103800, 1)[0], 0xaa, "nothing past the bss is touched");
  assert.equal(mem.read(0x100040, 1)[0], 0xaa, "the gap between segments is untouched");
  assert.deepEqual(boot, { entry: 0x100004, eax: 0x2badb002, ebx: 0x9000, kernelEnd: 0x103800 });
});

Deno.test("loadMultiboot() loads at paddr and enters a higher-half kernel at its physical entry", () => {
  const mem = dirtyMemory();
  const image = buildElf({
    entry: 0xc0100008,
    segments: [{ vaddr: 0xc0100000, paddr: 0x100000, data: pattern(32) }],
  });
  const boot = loadMultiboot(mem, image);
  assert.equal(boot.entry, 0x100008);
  assert.deepEqual(mem.read(0x100000, 32), pattern(32));
});

Deno.test("loadMultiboot() writes the information structure as Multiboot 0.6.96 lays it out", () => {
  const mem = dirtyMemory(64 * MIB);
  const boot = loadMultiboot(mem, buildElf(KERNEL), { cmdline: "console=ttyS0 quiet" });
  const info = boot.ebx;
  // flags: mem (0) | cmdline (2) | mods (3) | mmap (6) | boot_loader_name (9)
  assert.equal(mem.readU32(info + 0), 0b10_0100_1101);
  assert.equal(mem.readU32(info + 4), 640, "mem_lower");
  assert.equal(mem.readU32(info + 8), 63 * 1024, "mem_upper: KiB above 1 MiB");
  assert.equal(cString(mem, mem.readU32(info + 16)), "console=ttyS0 quiet");
  assert.equal(mem.readU32(info + 20), 0, "mods_count");
  for (const offset of [12, 28, 32, 36, 40, 52, 56, 60, 68, 72, 76, 80, 84]) {
    assert.equal(mem.readU32(info + offset), 0, `unused field at +${offset} is zero`);
  }
  assert.deepEqual(readMmap(mem, info), [
    [0, 0x9fc00, 1],
    [0x9fc00, 0x400, 2],
    [0xf0000, 0x10000, 2],
    [0x100000, 63 * MIB, 1],
  ]);
  assert.equal(mem.readU32(info + 44), 4 * 24, "mmap_length");
  assert.equal(cString(mem, mem.readU32(info + 64)), "jitvisor");
  for (const field of [16, 24, 48, 64]) {
    const addr = mem.readU32(info + field);
    assert.ok(addr >= 0x9000 && addr < 0x9f000, `pointer at +${field} is in conventional memory`);
  }
});

Deno.test("loadMultiboot() sets boot_device and flag bit 1 only when a boot device is given", () => {
  const cases: [MultibootOptions, number, number][] = [
    [{}, 0, 0],
    [{ bootDevice: 0x80ffffff }, 2, 0x80ffffff],
  ];
  for (const [options, bit, device] of cases) {
    const mem = dirtyMemory(4 * MIB);
    const { ebx } = loadMultiboot(mem, buildElf(KERNEL), options);
    assert.equal(mem.readU32(ebx) & 2, bit);
    assert.equal(mem.readU32(ebx + 12), device);
  }
});

Deno.test("loadMultiboot() uses the given boot loader name and an empty default command line", () => {
  const mem = dirtyMemory(4 * MIB);
  const { ebx } = loadMultiboot(mem, buildElf(KERNEL), { loaderName: "test loader" });
  assert.equal(cString(mem, mem.readU32(ebx + 64)), "test loader");
  assert.equal(cString(mem, mem.readU32(ebx + 16)), "");
});

Deno.test("loadMultiboot() places modules page-aligned after the kernel with their strings", () => {
  const mem = dirtyMemory();
  const modules = [
    { name: "initrd.img", data: pattern(5000, 7) },
    { name: "prog", data: pattern(3, 9), cmdline: "prog --fast" },
    { name: "empty", data: new Uint8Array(0) },
  ];
  const { ebx, kernelEnd } = loadMultiboot(mem, buildElf(KERNEL), { modules });
  assert.equal(kernelEnd, 0x103800);
  assert.equal(mem.readU32(ebx + 20), 3, "mods_count");
  const list = mem.readU32(ebx + 24);
  const expected = [
    [0x104000, 0x104000 + 5000, "initrd.img"],
    [0x106000, 0x106003, "prog --fast"],
    [0x107000, 0x107000, "empty"],
  ] as const;
  expected.forEach(([start, end, text], i) => {
    const entry = list + 16 * i;
    assert.equal(mem.readU32(entry), start, `mod_start of module ${i}`);
    assert.equal(mem.readU32(entry + 4), end, `mod_end of module ${i}`);
    assert.equal(cString(mem, mem.readU32(entry + 8)), text);
    assert.equal(mem.readU32(entry + 12), 0, "reserved");
    assert.deepEqual(mem.read(start, end - start), modules[i].data);
  });
});

Deno.test("loadMultiboot() keeps modules of a kernel loaded below 1 MiB above 1 MiB", () => {
  const mem = dirtyMemory(4 * MIB);
  const image = buildElf({ entry: 0x1000, segments: [{ vaddr: 0x1000, data: pattern(16) }] });
  const modules = [{ name: "m", data: pattern(8) }];
  const { ebx, kernelEnd } = loadMultiboot(mem, image, { modules });
  assert.equal(kernelEnd, 0x1010);
  assert.equal(mem.readU32(mem.readU32(ebx + 24)), 0x100000);
  assert.deepEqual(mem.read(0x100000, 8), pattern(8));
});

Deno.test("loadMultiboot() reports 1 MiB of RAM as mem_upper 0 without an empty mmap entry", () => {
  const mem = new PhysicalMemory(MIB);
  const image = buildElf({ entry: 0x20000, segments: [{ vaddr: 0x20000, data: pattern(16) }] });
  const { ebx } = loadMultiboot(mem, image);
  assert.equal(mem.readU32(ebx + 8), 0);
  assert.equal(readMmap(mem, ebx).length, 3);
});

Deno.test("loadMultiboot() loads an a.out-kludge image by its header's addresses", () => {
  const mem = dirtyMemory(8 * MIB);
  // The header sits at file offset 16, which load_addr 0x200000 maps to 0x200010.
  const image = buildAout({
    pad: 16,
    headerAddr: 0x200010,
    loadAddr: 0x200000,
    loadEndAddr: 0,
    bssEndAddr: 0x201000,
    entryAddr: 0x200030,
    body: pattern(100),
  });
  const boot = loadMultiboot(mem, image, { name: "flat.bin" });
  assert.equal(boot.entry, 0x200030);
  assert.equal(boot.kernelEnd, 0x201000);
  assert.deepEqual(mem.read(0x200000, image.length), image);
  const tail = 0x1000 - image.length;
  assert.deepEqual(mem.read(0x200000 + image.length, tail), new Uint8Array(tail), "bss zeroed");
});

Deno.test("loadMultiboot() loads only up to load_end_addr when it is set", () => {
  const mem = dirtyMemory(8 * MIB);
  const image = buildAout({
    headerAddr: 0x100000,
    loadAddr: 0x100000,
    loadEndAddr: 0x100040,
    bssEndAddr: 0,
    entryAddr: 0x100020,
    body: pattern(200),
  });
  const boot = loadMultiboot(mem, image);
  assert.equal(boot.kernelEnd, 0x100040);
  assert.deepEqual(mem.read(0x100000, 0x40), image.subarray(0, 0x40));
  assert.equal(mem.read(0x100040, 1)[0], 0xaa);
});

/** An ELF with a valid multiboot header whose segment runs past the end of the file. */
function truncatedElfWithHeader(): Uint8Array {
  const image = buildElf(KERNEL);
  return image.subarray(0, image.length - 8);
}

/** An a.out image with the given address fields and a 64-byte body. */
function aout(fields: Partial<Parameters<typeof buildAout>[0]>): Uint8Array {
  return buildAout({
    headerAddr: 0x100000,
    loadAddr: 0x100000,
    loadEndAddr: 0,
    bssEndAddr: 0,
    entryAddr: 0x100020,
    body: pattern(64),
    ...fields,
  });
}

/** A class of error a test expects. */
// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

/** Each rejected kernel: what it is, the image, the exact message or a pattern, the error class. */
const REJECTED: [string, () => Uint8Array, string | RegExp, ErrorClass][] = [
  [
    "a text file",
    () => new TextEncoder().encode("#!/bin/sh\necho not a kernel\n"),
    'Cannot load kernel "k": not a kernel image: neither an ELF file nor a file with a ' +
    "multiboot header in its first 8192 bytes",
    ImageFormatError,
  ],
  [
    "an empty file",
    () => new Uint8Array(0),
    'Cannot load kernel "k": the file is empty',
    ImageFormatError,
  ],
  [
    "an ELF without a multiboot header",
    () => buildElf({ ...KERNEL, multiboot: null }),
    'Cannot load kernel "k": ELF file has no multiboot header (magic 0x1badb002, 4-byte ' +
    "aligned) in its first 8192 bytes: it is not a multiboot kernel",
    ImageFormatError,
  ],
  [
    "a header with a bad checksum",
    () => buildElf({ ...KERNEL, multiboot: { flags: 3, checksumDelta: 1 } }),
    `Cannot load kernel "k": multiboot header at 0x${
      headerOffset(KERNEL).toString(16)
    } has a bad checksum (magic + flags + checksum = 0x1, must be 0)`,
    ImageFormatError,
  ],
  [
    "a truncated ELF with a multiboot header",
    truncatedElfWithHeader,
    /^Cannot load kernel "k": ELF segment 1 \(file offset 0x[0-9a-f]+, 16 bytes\) extends past the end of the file \(\d+ bytes\): the file is truncated$/,
    ImageFormatError,
  ],
  [
    "a truncated ELF whose header is cut off too",
    () => buildElf(KERNEL).subarray(0, 40),
    /^Cannot load kernel "k": ELF header is truncated/,
    ImageFormatError,
  ],
  [
    "an ELF64 multiboot kernel",
    () => buildElf({ ...KERNEL, elfClass: 2 }),
    'Cannot load kernel "k": ELF class is 2 but must be 1 (ELFCLASS32)',
    ImageFormatError,
  ],
  [
    "a header requiring unknown features",
    () => buildElf({ ...KERNEL, multiboot: { flags: 0x3 | 0x20 } }),
    /requires features this loader lacks \(flags 0x20\)$/,
    ImageFormatError,
  ],
  [
    "a non-ELF file whose header lacks the a.out kludge",
    () => {
      const image = new Uint8Array(64);
      image.set(buildElf(KERNEL).subarray(headerOffset(KERNEL), headerOffset(KERNEL) + 12), 8);
      return image;
    },
    /multiboot header at 0x8 has no a.out kludge \(flag bit 16\) and the file is not ELF/,
    ImageFormatError,
  ],
  [
    "an image larger than memory",
    () =>
      buildElf({
        entry: 0x100000,
        segments: [{ vaddr: 0x100000, data: pattern(16), memsz: 80 * MIB }],
      }),
    'Cannot load kernel "k": segment at 0x100000 of 80 MiB does not fit in 64 MiB of guest memory',
    RangeError,
  ],
  [
    "a segment over the multiboot data area",
    () => buildElf({ entry: 0x9000, segments: [{ vaddr: 0x8000, data: pattern(0x2000) }] }),
    'Cannot load kernel "k": segment at 0x8000 of 8 KiB overlaps the multiboot data area 0x9000–0x10000',
    RangeError,
  ],
  [
    "an a.out load_addr above header_addr",
    () => aout({ loadAddr: 0x100100 }),
    /a\.out kludge: load_addr 0x100100 is above header_addr 0x100000$/,
    ImageFormatError,
  ],
  [
    "an a.out load start before the file",
    () => aout({ headerAddr: 0x100010 }),
    /a\.out kludge: header_addr 0x100010 - load_addr 0x100000 puts the load start 16 bytes before the start of the file$/,
    ImageFormatError,
  ],
  [
    "an a.out load_end_addr past the end of the file",
    () => aout({ loadEndAddr: 0x100100 }),
    /a\.out kludge: load_end_addr 0x100100 needs 256 bytes from file offset 0x0 but the file has only 96 bytes$/,
    ImageFormatError,
  ],
  [
    "an a.out load_end_addr below load_addr",
    () => aout({ loadEndAddr: 0xff000 }),
    /a\.out kludge: load_end_addr 0xff000 is below load_addr 0x100000$/,
    ImageFormatError,
  ],
  [
    "an a.out bss_end_addr below load_end_addr",
    () => aout({ loadEndAddr: 0x100040, bssEndAddr: 0x100020 }),
    /a\.out kludge: bss_end_addr 0x100020 is below load_end_addr 0x100040$/,
    ImageFormatError,
  ],
  [
    "an a.out entry outside the image",
    () => aout({ entryAddr: 0x200000 }),
    /a\.out kludge: entry_addr 0x200000 is outside the loaded range 0x100000–0x100060$/,
    ImageFormatError,
  ],
  [
    "an a.out header cut off after its flags",
    () => aout({}).subarray(0, 20),
    /multiboot header at 0x0 sets the a\.out kludge flag \(bit 16\) but its address fields run past the end of the file \(20 bytes\)$/,
    ImageFormatError,
  ],
  [
    "an a.out image larger than memory",
    () => aout({ bssEndAddr: 0x8000000 }),
    /segment at 0x100000 of 127 MiB does not fit in 64 MiB of guest memory$/,
    RangeError,
  ],
];

for (const [what, make, message, kind] of REJECTED) {
  Deno.test(`loadMultiboot() rejects ${what} with a clear one-line message`, () => {
    const mem = new PhysicalMemory(64 * MIB);
    assert.throws(() => loadMultiboot(mem, make(), { name: "k" }), (e: unknown) => {
      assert.ok(e instanceof kind, `expected ${kind.name}, got ${e}`);
      const text = (e as Error).message;
      if (typeof message === "string") assert.equal(text, message);
      else assert.match(text, message);
      assert.ok(!text.includes("\n"));
      return true;
    });
  });
}

Deno.test("loadMultiboot() rejects a module that does not fit in guest memory", () => {
  const mem = new PhysicalMemory(2 * MIB);
  const modules = [{ name: "huge.img", data: new Uint8Array(2 * MIB) }];
  assert.throws(() => loadMultiboot(mem, buildElf(KERNEL), { name: "k", modules }), {
    name: "RangeError",
    message:
      'Cannot load kernel "k": module "huge.img" at 0x104000 of 2 MiB does not fit in 2 MiB of guest memory',
  });
});

Deno.test("loadMultiboot() rejects command lines longer than the strings area", () => {
  const mem = new PhysicalMemory(4 * MIB);
  assert.throws(() => loadMultiboot(mem, buildElf(KERNEL), { cmdline: "x".repeat(30000) }), {
    name: "RangeError",
    message: /the command line does not fit/,
  });
});

Deno.test("loadMultiboot() omits the name from messages when the image has none", () => {
  const mem = new PhysicalMemory(4 * MIB);
  assert.throws(() => loadMultiboot(mem, new Uint8Array(0)), {
    message: "Cannot load kernel: the file is empty",
  });
});
