/** The CLI's contract: exit statuses, one-line errors, and guest output on stdout. */

import assert from "node:assert/strict";
import { buildElf } from "./boot/_elf_builder.ts";

const CLI = new URL("../src/cli.ts", import.meta.url).pathname;

async function jitvisor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", CLI, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/** A multiboot kernel at 1 MiB whose code is `code`. */
function kernel(code: number[]): Uint8Array {
  return buildElf({
    entry: 0x100000,
    segments: [{ vaddr: 0x100000, data: Uint8Array.from(code) }],
  });
}

async function tempFile(bytes: Uint8Array | string): Promise<string> {
  const path = await Deno.makeTempFile({ dir: "/tmp" });
  await Deno.writeFile(path, typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
  return path;
}

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got: ${stderr}`);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(stderr, / {4}at /, "no stack trace");
}

const BAD_INPUT: Array<[string, () => Promise<string[]>, RegExp]> = [
  ["an unknown flag", () => Promise.resolve(["run", "--frobnicate", "x"]), /frobnicate/],
  ["a missing file", () => Promise.resolve(["run", "/tmp/does-not-exist.elf"]), /no such file/],
  ["a text file", async () => ["run", await tempFile("hello, world\n")], /not a multiboot/],
  [
    "a truncated ELF",
    async () => ["run", await tempFile(kernel([0xf4]).slice(0, 40))],
    /truncated|too short|ends/i,
  ],
  [
    "an ELF without a multiboot header",
    async () => [
      "run",
      await tempFile(
        buildElf({
          entry: 0x100000,
          segments: [{ vaddr: 0x100000, data: Uint8Array.of(0xf4) }],
          multiboot: null,
        }),
      ),
    ],
    /multiboot/,
  ],
  [
    "an image larger than guest memory",
    async () => [
      "run",
      "--memory",
      "2M",
      await tempFile(
        buildElf({
          entry: 0x100000,
          segments: [{ vaddr: 0x100000, data: new Uint8Array(4096), memsz: 8 << 20 }],
        }),
      ),
    ],
    /does not fit/,
  ],
  ["a bad memory size", () => Promise.resolve(["run", "--memory", "lots", "x"]), /--memory/],
  ["a bad engine", () => Promise.resolve(["run", "--engine", "warp", "x"]), /--engine/],
  ["an unknown command", () => Promise.resolve(["fly"]), /Unknown command/],
];

for (const [what, args, pattern] of BAD_INPUT) {
  Deno.test(`jitvisor exits 2 with a one-line error for ${what}`, async () => {
    const r = await jitvisor(await args());
    assert.equal(r.code, 2, r.stderr);
    assertOneLineError(r.stderr, pattern);
  });
}

Deno.test("jitvisor run prints the guest's serial output and exits with its 0xF4 status", async () => {
  const r = await jitvisor([
    "run",
    "--engine",
    "interp",
    "--deterministic",
    "guests/build/hello.elf",
  ]);
  assert.equal(r.stdout, "Hello from jitvisor!\n");
  assert.equal(r.code, 0);
});

Deno.test("jitvisor run passes the guest's exit status through", async () => {
  // mov eax, 42; out 0xf4, eax
  const image = await tempFile(kernel([0xb8, 42, 0, 0, 0, 0xe7, 0xf4]));
  const r = await jitvisor(["run", "--engine", "interp", image]);
  assert.equal(r.code, 42, r.stderr);
});

Deno.test("a triple fault ends the run with status 3, the last EIP and a register dump", async () => {
  // ud2 with no IDT: #UD, then #GP on the IDT limit, then #DF, then shutdown.
  const r = await jitvisor(["run", "--engine", "interp", await tempFile(kernel([0x0f, 0x0b]))]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^error: guest triple-faulted \(shutdown\) at EIP=00100000/);
  assert.match(r.stderr, /EAX=2badb002/);
  assert.doesNotMatch(r.stderr, / {4}at /);
});

const LIMITS: Array<[string, string[], RegExp]> = [
  ["spins past --timeout", ["--timeout", "300ms"], /timed out/],
  ["spins past --max-instructions", ["--max-instructions", "1000"], /instruction limit/],
];

for (const [what, flags, pattern] of LIMITS) {
  Deno.test(`a guest that ${what} ends with status 4 and one line`, async () => {
    // jmp $
    const image = await tempFile(kernel([0xeb, 0xfe]));
    const r = await jitvisor(["run", "--engine", "interp", ...flags, image]);
    assert.equal(r.code, 4);
    assertOneLineError(r.stderr, pattern);
  });
}

Deno.test("--stats reports instructions retired and exits by reason", async () => {
  const r = await jitvisor(["run", "--engine", "interp", "--stats", "guests/build/hello.elf"]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /instructions retired: \d+/);
  assert.match(r.stderr, /exits: .*shutdown=1/);
});

Deno.test("jitvisor run starts a guest at once, interpreting while the JIT's compiler loads", async () => {
  // With binaryen loaded first, threshold 0 would compile all but a handful of this guest's
  // ~0.4 M instructions. Started at once, it interprets at least its first 150 ms of host time
  // and all of binaryen's load, which on a slow or busy machine is still most of the guest.
  const r = await jitvisor(["run", "--jit-threshold", "0", "--stats", "guests/build/hello-c.elf"]);
  assert.equal(r.code, 0, r.stderr);
  const retired = Number(/instructions retired: (\d+)/.exec(r.stderr)?.[1]);
  const interpreted = Number(/jit interpretedInstructions: (\d+)/.exec(r.stderr)?.[1]);
  assert.ok(retired > 0 && interpreted >= retired / 2, `${interpreted} of ${retired} interpreted`);
});

Deno.test("jitvisor run --no-simd runs loops one iteration at a time, with the same output", async () => {
  const args = ["--stats", "--append", "scale=100", "guests/build/bench/matmul.elf"];
  const lanes = await jitvisor(["run", ...args]);
  const scalar = await jitvisor(["run", "--no-simd", ...args]);
  assert.equal(lanes.code, 0, lanes.stderr);
  assert.equal(scalar.code, 0, scalar.stderr);
  assert.match(lanes.stdout, /matmul: checksum=0x[0-9a-f]{8}/);
  assert.equal(scalar.stdout, lanes.stdout);
  const ran = (r: { stderr: string }) => Number(/vectorIterations: (\d+)/.exec(r.stderr)?.[1]);
  assert.ok(ran(lanes) > 0, lanes.stderr);
  assert.equal(ran(scalar), 0);
});

Deno.test("jitvisor info describes a multiboot image", async () => {
  const r = await jitvisor(["info", "guests/build/hello.elf"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /multiboot/i);
  assert.match(r.stdout, /0x0*100000/i);
});

Deno.test("every command answers --help with status 0", async () => {
  for (const args of [["--help"], ["run", "--help"], ["info", "--help"]]) {
    const r = await jitvisor(args);
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.stdout, /Usage/);
  }
});

Deno.test("--timeout also ends a guest that keeps exiting to the monitor", async () => {
  // spin: in al, 0xe0 (a port nobody owns: an io exit every time); jmp spin
  const image = await tempFile(kernel([0xe4, 0xe0, 0xeb, 0xfc]));
  const r = await jitvisor(["run", "--engine", "interp", "--timeout", "300ms", image]);
  assert.equal(r.code, 4);
  assertOneLineError(r.stderr, /timed out/);
});
