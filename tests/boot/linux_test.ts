/** Tests of the Linux 32-bit boot protocol loader and setup header reader. */

import assert from "node:assert/strict";
import { PhysicalMemory } from "../../src/cpu/physical_memory.ts";
import { ImageFormatError } from "../../src/boot/image_error.ts";
import { loadLinux } from "../../src/boot/linux.ts";
import { parseLinuxSetupHeader, protocolText } from "../../src/boot/linux_header.ts";
import { buildBzImage, pattern } from "./_elf_builder.ts";

const MIB = 1024 * 1024;
const ZERO_PAGE = 0x10000;

/** The NUL-terminated string at `addr`. */
function cString(mem: PhysicalMemory, addr: number): string {
  const bytes = mem.read(addr, 4096);
  return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
}

Deno.test("parseLinuxSetupHeader() reads the fields of the setup header", () => {
  const image = buildBzImage({ setupSects: 3, kernel: pattern(1000), initSize: 0x4000 });
  const h = parseLinuxSetupHeader(image, "Cannot load kernel");
  assert.deepEqual(h, {
    setupSects: 3,
    version: 0x020f,
    loadflags: 1,
    code32Start: 0x100000,
    initrdAddrMax: 0x7fffffff,
    cmdlineSize: 2047,
    initSize: 0x4000,
    kernelAlignment: 0x200000,
    kernelOffset: 2048,
    kernelSize: 1000,
    headerEnd: 0x26c,
  });
});

Deno.test("parseLinuxSetupHeader() reads setup_sects 0 as 4", () => {
  const image = buildBzImage({ setupSects: 4, kernel: pattern(16) });
  image[0x1f1] = 0;
  const h = parseLinuxSetupHeader(image, "x");
  assert.deepEqual([h.setupSects, h.kernelOffset, h.kernelSize], [4, 5 * 512, 16]);
});

Deno.test("protocolText() prints the version as major.minor with two digits", () => {
  assert.equal(protocolText(0x0206), "2.06");
  assert.equal(protocolText(0x020f), "2.15");
});

Deno.test("loadLinux() loads the kernel at 1 MiB and builds the zero page", () => {
  const mem = new PhysicalMemory(64 * MIB);
  mem.write(ZERO_PAGE, new Uint8Array(4096).fill(0xaa));
  const kernel = pattern(3000, 5);
  const image = buildBzImage({ kernel, code32Start: 0x100000 });
  const boot = loadLinux(mem, image, { name: "bzImage", cmdline: "console=ttyS0 earlyprintk" });
  assert.equal(boot.entry, 0x100000);
  assert.equal(boot.esi, ZERO_PAGE);
  assert.deepEqual(mem.read(0x100000, kernel.length), kernel);

  // The setup header is copied to 0x1f1..0x26c; the rest of the zero page starts at zero.
  const header = image.slice(0x1f1, 0x26c);
  header[0x210 - 0x1f1] = 0xff; // type_of_loader: undefined loader
  new DataView(header.buffer).setUint32(0x228 - 0x1f1, 0x20000, true); // cmd_line_ptr
  assert.deepEqual(mem.read(ZERO_PAGE + 0x1f1, header.length), header);
  assert.deepEqual(mem.read(ZERO_PAGE + 0x26c, 0x2d0 - 0x26c), new Uint8Array(0x2d0 - 0x26c));
  assert.deepEqual(mem.read(ZERO_PAGE, 0x1e0), new Uint8Array(0x1e0));
  assert.equal(mem.read(ZERO_PAGE + 0x210, 1)[0], 0xff, "type_of_loader");
  assert.equal(mem.readU32(ZERO_PAGE + 0x1e0), 63 * 1024, "alt_mem_k");
  assert.equal(cString(mem, mem.readU32(ZERO_PAGE + 0x228)), "console=ttyS0 earlyprintk");
  assert.equal(mem.readU32(ZERO_PAGE + 0x218), 0, "no ramdisk_image");
  assert.equal(mem.readU32(ZERO_PAGE + 0x21c), 0, "no ramdisk_size");

  const entries = mem.read(ZERO_PAGE + 0x1e8, 1)[0];
  const e820: number[][] = [];
  for (let i = 0; i < entries; i++) {
    const at = ZERO_PAGE + 0x2d0 + 20 * i;
    e820.push([mem.readU32(at), mem.readU32(at + 8), mem.readU32(at + 16)]);
  }
  assert.deepEqual(e820, [
    [0, 0x9fc00, 1],
    [0x9fc00, 0x400, 2],
    [0xf0000, 0x10000, 2],
    [0x100000, 63 * MIB, 1],
  ]);
});

Deno.test("loadLinux() writes a flat GDT with code at 0x10 and data at 0x18", () => {
  const mem = new PhysicalMemory(16 * MIB);
  const boot = loadLinux(mem, buildBzImage({ kernel: pattern(16) }));
  assert.deepEqual([boot.cs, boot.ds, boot.gdtLimit], [0x10, 0x18, 31]);
  const gdt = new DataView(mem.read(boot.gdtBase, 32).buffer);
  assert.equal(gdt.getBigUint64(0x10, true), 0x00cf9b000000ffffn);
  assert.equal(gdt.getBigUint64(0x18, true), 0x00cf93000000ffffn);
});

Deno.test("loadLinux() puts the initrd as high as RAM and initrd_addr_max allow, page-aligned", () => {
  const cases: [number, number, number][] = [
    // RAM, initrd_addr_max, expected address of a 10000-byte initrd
    [64 * MIB, 0x7fffffff, 64 * MIB - 0x3000],
    [64 * MIB, 0x01ffffff, 32 * MIB - 0x3000],
  ];
  for (const [ram, max, expected] of cases) {
    const mem = new PhysicalMemory(ram);
    const initrd = pattern(10000, 9);
    const image = buildBzImage({ kernel: pattern(64), initrdAddrMax: max });
    const boot = loadLinux(mem, image, { initrd });
    assert.equal(boot.initrdAddr, expected);
    assert.equal(boot.initrdSize, 10000);
    assert.equal(mem.readU32(ZERO_PAGE + 0x218), expected);
    assert.equal(mem.readU32(ZERO_PAGE + 0x21c), 10000);
    assert.deepEqual(mem.read(expected, 10000), initrd);
  }
});

/** Each rejected bzImage: what it is, the image, the message, the memory size. */
const REJECTED: [string, () => Uint8Array, RegExp, number][] = [
  ["an ELF file", () => new Uint8Array(4096), /not a Linux boot image \(no 0xaa55 boot flag/, 16],
  [
    "a file without HdrS",
    () => {
      const image = buildBzImage({ kernel: pattern(16) });
      image[0x202] = 0;
      return image;
    },
    /no "HdrS" setup header magic at 0x202/,
    16,
  ],
  [
    "a too-old boot protocol",
    () => buildBzImage({ version: 0x0204, kernel: pattern(16) }),
    /: boot protocol 2\.04 is too old: 2\.06 or later is needed$/,
    16,
  ],
  [
    "a zImage",
    () => buildBzImage({ loadflags: 0, kernel: pattern(16) }),
    /a zImage \(loaded low, loadflags bit 0 clear\) is not supported, only bzImage$/,
    16,
  ],
  [
    "setup sectors past the end of the file",
    () => buildBzImage({ kernel: pattern(16) }).subarray(0, 1024),
    /setup_sects is 1, so the kernel starts at 0x400, past the end of the file \(1024 bytes\)$/,
    16,
  ],
  [
    "a kernel larger than memory",
    () => buildBzImage({ kernel: pattern(16), initSize: 40 * MIB }),
    /the kernel at 0x100000 needs 40 MiB and does not fit in 16 MiB of guest memory$/,
    16,
  ],
];

for (const [what, make, message, ramMib] of REJECTED) {
  Deno.test(`loadLinux() rejects ${what} with a clear message`, () => {
    const mem = new PhysicalMemory(ramMib * MIB);
    assert.throws(() => loadLinux(mem, make(), { name: "bz" }), (e: unknown) => {
      assert.ok(e instanceof ImageFormatError || e instanceof RangeError, `got ${e}`);
      assert.match((e as Error).message, /^Cannot load kernel "bz": /);
      assert.match((e as Error).message, message);
      return true;
    });
  });
}

Deno.test("loadLinux() rejects a command line longer than cmdline_size", () => {
  const mem = new PhysicalMemory(16 * MIB);
  const image = buildBzImage({ kernel: pattern(16), cmdlineSize: 10 });
  assert.throws(() => loadLinux(mem, image, { cmdline: "console=ttyS0" }), {
    name: "RangeError",
    message: "Cannot load kernel: the command line is 13 bytes but at most 10 fit",
  });
});

Deno.test("loadLinux() rejects an initrd that does not fit above the kernel", () => {
  const mem = new PhysicalMemory(4 * MIB);
  const image = buildBzImage({ kernel: pattern(16), initSize: 2 * MIB });
  assert.throws(() => loadLinux(mem, image, { initrd: new Uint8Array(MIB + 1) }), {
    name: "RangeError",
    message:
      /^Cannot load kernel: the initrd of 1\.0 MiB does not fit between the end of the kernel at 0x300000 and 0x400000/,
  });
});
