/**
 * Records a guest's expected COM1 output and exit status by running it under qemu-system-i386,
 * the reference machine of the guest ABI (guests/README.md).
 *
 * @module
 */

/** Seconds a reference run may take before it counts as hung. */
export const QEMU_TIMEOUT_SECONDS = 60;

/** Guest memory for reference runs, in MiB (jitvisor's default too). */
export const QEMU_MEMORY_MIB = 64;

/** The result of one reference run. */
export interface RecordResult {
  /** Path of the `.expected` file written, relative to the repository root. */
  expectedPath: string;
  /** Number of bytes the guest wrote to COM1. */
  bytes: number;
  /** The exit status V the guest wrote to port 0xF4. */
  status: number;
}

/**
 * Builds the reference qemu-system-i386 arguments for one image.
 *
 * @param image path of the `.elf` image
 * @param serialFile file that receives COM1 output
 * @param append the multiboot command line (after the image path), if any
 * @returns the argument list, without the program name
 * @example Reference arguments
 * ```ts
 * import assert from "node:assert/strict";
 * import { qemuReferenceArgs } from "./record.ts";
 * assert.ok(qemuReferenceArgs("a.elf", "out.txt", "scale=1").includes("scale=1"));
 * ```
 */
export function qemuReferenceArgs(image: string, serialFile: string, append?: string): string[] {
  const args = [
    "-nodefaults",
    "-kernel",
    image,
    "-m",
    String(QEMU_MEMORY_MIB),
    "-display",
    "none",
    "-no-reboot",
    "-serial",
    `file:${serialFile}`,
    "-device",
    "isa-debug-exit,iobase=0xf4,iosize=0x04",
  ];
  if (append !== undefined && append !== "") args.push("-append", append);
  return args;
}

/**
 * Reads the command line a guest is recorded (and should be tested) with: the first line of
 * `<name>.append` next to its source, or undefined when there is no such file.
 *
 * @param root repository root
 * @param source path of the guest source, relative to `root`
 * @returns the command line, or undefined
 */
export function readAppend(root: string, source: string): string | undefined {
  try {
    const text = Deno.readTextFileSync(`${root}/${stem(source)}.append`);
    return text.split("\n")[0].trim();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/**
 * Runs `image` under QEMU and writes `<name>.expected` (COM1 bytes) and `<name>.status` (the
 * status V written to port 0xF4, decimal, newline) next to `source`.
 *
 * @param root repository root; QEMU runs there with repository-relative paths
 * @param source path of the guest source, relative to `root`
 * @param image path of the built image, relative to `root`
 * @returns what was recorded
 * @throws Error when QEMU is missing, times out, or the guest ends without writing port 0xF4
 */
export async function recordExpected(
  root: string,
  source: string,
  image: string,
): Promise<RecordResult> {
  const tmp = Deno.makeTempDirSync({ prefix: "jitvisor-record-" });
  try {
    const serial = `${tmp}/com1.txt`;
    const args = [
      "--kill-after=5",
      String(QEMU_TIMEOUT_SECONDS),
      "qemu-system-i386",
      ...qemuReferenceArgs(image, serial, readAppend(root, source)),
    ];
    const result = await new Deno.Command("timeout", { args, cwd: root, stdin: "null" }).output();
    // isa-debug-exit makes QEMU exit with (V << 1) | 1; timeout(1) exits with 124 on a hang.
    if (result.code === 124) {
      throw new Error(`Cannot record "${image}": no exit after ${QEMU_TIMEOUT_SECONDS}s`);
    }
    if ((result.code & 1) === 0) {
      const stderr = new TextDecoder().decode(result.stderr).trim();
      throw new Error(
        `Cannot record "${image}": QEMU exited with ${result.code}, not through port 0xF4` +
          (stderr ? ` (${stderr})` : ""),
      );
    }
    const status = result.code >> 1;
    const output = Deno.readFileSync(serial);
    const expectedPath = `${stem(source)}.expected`;
    Deno.writeFileSync(`${root}/${expectedPath}`, output);
    Deno.writeTextFileSync(`${root}/${stem(source)}.status`, `${status}\n`);
    return { expectedPath, bytes: output.length, status };
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
}

/** The path without its extension. */
function stem(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot > path.lastIndexOf("/") ? path.slice(0, dot) : path;
}
