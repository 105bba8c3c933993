/**
 * The system-architecture guests (guests/system/*.asm) under the interpreter: each guest's COM1
 * output must equal its QEMU-recorded (or SDM-derived) `.expected` and its exit status its
 * `.status`. The `interrupts` guest needs the PIC and PIT and runs under the VM instead.
 */

import assert from "node:assert/strict";
import { runGuest } from "./_guest_runner.ts";

const ROOT = new URL("../../guests/", import.meta.url);
const GUESTS = ["segments", "seglimits", "paging", "faults", "rings", "tasks", "vm86", "sysenter"];

/** Assembles and links a guest into a temporary ELF (the build documented in guests/README.md). */
async function build(name: string, dir: string): Promise<Uint8Array> {
  const src = new URL(`system/${name}.asm`, ROOT).pathname;
  const inc = new URL("system/", ROOT).pathname;
  const obj = `${dir}/${name}.o`, elf = `${dir}/${name}.elf`;
  const run = async (cmd: string, args: string[]) => {
    const out = await new Deno.Command(cmd, { args, stderr: "piped" }).output();
    if (!out.success) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
  };
  try {
    await run("nasm", ["-f", "elf32", "-I", inc, "-o", obj, src]);
    await run("ld", [
      "-m",
      "elf_i386",
      "--build-id=none",
      "-nostdlib",
      "-Ttext",
      "0x100000",
      "-e",
      "_start",
      "-o",
      elf,
      obj,
    ]);
    return await Deno.readFile(elf);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    // No nasm/ld here: use the image built by `deno task guests`.
    return await Deno.readFile(new URL(`build/system/${name}.elf`, ROOT));
  }
}

const dir = await Deno.makeTempDir({ prefix: "jitvisor-system-guests-" });

for (const name of GUESTS) {
  Deno.test(`system guest "${name}" prints its expected output under the interpreter`, async () => {
    const elf = await build(name, dir);
    const expected = await Deno.readTextFile(new URL(`system/${name}.expected`, ROOT));
    const status = Number((await Deno.readTextFile(new URL(`system/${name}.status`, ROOT))).trim());
    const run = runGuest(elf);
    assert.equal(run.output, expected);
    assert.equal(run.reason, "exit");
    assert.equal(run.status, status);
  });
}
