/** Checks that every committed guest image is a multiboot v1 ELF32 kernel a loader can boot. */

import assert from "node:assert/strict";
import { listImagePaths, REPO_ROOT } from "./_images.ts";

const ELF_MAGIC = 0x464c457f; // "\x7FELF" read as a little-endian u32
const ELFCLASS32 = 1; // e_ident[EI_CLASS]: 32-bit objects
const ELFDATA2LSB = 1; // e_ident[EI_DATA]: little-endian
const EM_386 = 3; // e_machine: Intel 80386
const PT_LOAD = 1; // p_type: loadable segment
const MULTIBOOT_MAGIC = 0x1badb002; // multiboot v1 header magic
const MULTIBOOT_SEARCH_BYTES = 8192; // the header must lie in the image's first 8 KiB

/** Returns why `bytes` is not a bootable multiboot ELF32 image, or undefined if it is one. */
function multibootElfProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < 52) return `file is ${bytes.length} bytes, shorter than an ELF32 header`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== ELF_MAGIC) return "ELF magic missing";
  if (bytes[4] !== ELFCLASS32) return `ELF class is ${bytes[4]} but must be 1 (ELFCLASS32)`;
  if (bytes[5] !== ELFDATA2LSB) return `ELF data encoding is ${bytes[5]} but must be 1 (LSB)`;
  const machine = view.getUint16(18, true);
  if (machine !== EM_386) return `ELF machine is ${machine} but must be 3 (EM_386)`;

  let header = -1;
  const limit = Math.min(bytes.length - 12, MULTIBOOT_SEARCH_BYTES - 12);
  for (let off = 0; off <= limit; off += 4) {
    if (view.getUint32(off, true) === MULTIBOOT_MAGIC) {
      header = off;
      break;
    }
  }
  if (header < 0) return "no multiboot header (0x1BADB002) in the first 8192 bytes";
  const flags = view.getUint32(header + 4, true);
  const checksum = view.getUint32(header + 8, true);
  if (((MULTIBOOT_MAGIC + flags + checksum) >>> 0) !== 0) {
    return `multiboot header at offset ${header} has a bad checksum`;
  }

  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) return "no program headers";
  if (phentsize < 32 || phoff + phnum * phentsize > bytes.length) {
    return "program header table lies outside the file";
  }
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (view.getUint32(ph, true) !== PT_LOAD) continue;
    const offset = view.getUint32(ph + 4, true);
    const vaddr = view.getUint32(ph + 8, true);
    const filesz = view.getUint32(ph + 16, true);
    if (offset + filesz > bytes.length) return `PT_LOAD segment ${i} extends past the file`;
    if (entry >= vaddr && entry < vaddr + filesz) return undefined;
  }
  return `entry point 0x${entry.toString(16)} is not inside any PT_LOAD segment`;
}

Deno.test("every built guest image is a well-formed multiboot ELF32 kernel", () => {
  const images = listImagePaths();
  assert.ok(images.length > 0, "no images found under guests/build/");
  const problems = images
    .map((path) => ({
      path,
      problem: multibootElfProblem(Deno.readFileSync(`${REPO_ROOT}/${path}`)),
    }))
    .filter((r) => r.problem !== undefined)
    .map((r) => `${r.path}: ${r.problem}`);
  assert.deepEqual(problems, []);
});

Deno.test("the multiboot image check names the reason an image is rejected", () => {
  const good = Deno.readFileSync(`${REPO_ROOT}/guests/build/hello.elf`);
  const mutate = (edit: (b: Uint8Array, v: DataView) => void): Uint8Array => {
    const copy = good.slice();
    edit(copy, new DataView(copy.buffer));
    return copy;
  };
  const headerAt = (b: Uint8Array): number => {
    const v = new DataView(b.buffer);
    for (let off = 0; off + 4 <= Math.min(b.length, 8192); off += 4) {
      if (v.getUint32(off, true) === MULTIBOOT_MAGIC) return off;
    }
    return -1;
  };
  const cases: Array<[string, Uint8Array, RegExp | undefined]> = [
    ["the committed hello.elf", good, undefined],
    ["a truncated file", good.slice(0, 20), /shorter than an ELF32 header/],
    ["a file without ELF magic", mutate((b) => (b[0] = 0)), /ELF magic missing/],
    ["a 64-bit ELF", mutate((b) => (b[4] = 2)), /ELF class is 2/],
    ["a non-x86 machine", mutate((_, v) => v.setUint16(18, 62, true)), /EM_386/],
    [
      "a bad multiboot checksum",
      mutate((b, v) => v.setUint32(headerAt(b) + 8, 0, true)),
      /bad checksum/,
    ],
    [
      "no multiboot header",
      mutate((b, v) => {
        for (let off = headerAt(b); off >= 0; off = headerAt(b)) v.setUint32(off, 0, true);
      }),
      /no multiboot/,
    ],
    ["an entry point outside the image", mutate((_, v) => v.setUint32(24, 0x10, true)), /entry/],
  ];
  for (const [what, bytes, reason] of cases) {
    const problem = multibootElfProblem(bytes);
    if (reason === undefined) assert.equal(problem, undefined, what);
    else assert.match(problem ?? "(accepted)", reason, what);
  }
});
