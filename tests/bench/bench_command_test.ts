/** Tests of `jitvisor bench`: statistics, the table (medians, ratios, geometric means, "wrong"
 * rows, absent peers), argument parsing, and one end-to-end run on a small guest. */

import assert from "node:assert/strict";
import { parseBenchArgs } from "../../src/bench/bench_command.ts";
import { parseChecksum } from "../../src/bench/bench_guests.ts";
import { KernelTimer, MARK_END, MARK_START } from "../../src/bench/markers.ts";
import {
  type BenchReport,
  type RunSample,
  summarizeRow,
  type SystemColumn,
} from "../../src/bench/report.ts";
import { geometricMean, median } from "../../src/bench/stats.ts";
import { formatRatio, formatReport } from "../../src/bench/table.ts";

const ok = (wallMs: number, checksum = "0000abcd", kernelMs: number | null = null): RunSample => ({
  wallMs,
  kernelMs,
  checksum,
  error: null,
});

const column = (id: SystemColumn["id"], absent: string | null = null): SystemColumn => ({
  id,
  label: id === "jit" || id === "interp" ? `jitvisor ${id}` : id,
  absent,
  kernelTiming: id === "jit" || id === "interp" || id === "v86",
});

function report(rows: BenchReport["rows"], systems: SystemColumn[]): BenchReport {
  return {
    date: "2025-01-01T00:00:00.000Z",
    machine: { cpu: "Test CPU", nproc: 4 },
    scale: 2,
    runs: 3,
    systems,
    rows,
  };
}

/** The cells of the table row that starts with `name`, under the heading `title`. */
function tableRow(text: string, title: string, name: string): string[] {
  const section = text.slice(text.indexOf(title));
  const line = section.split("\n").find((l) => l.startsWith(`| ${name} `));
  assert.ok(line, `no row "${name}" under "${title}" in:\n${text}`);
  return line.split("|").slice(1, -1).map((c) => c.trim());
}

Deno.test("median() and geometricMean() of samples", () => {
  const cases: [number[], number | null][] = [[[3, 1, 2], 2], [[4, 1, 3, 2], 2.5], [[], null]];
  for (const [values, expected] of cases) assert.equal(median(values), expected);
  assert.ok(Math.abs(geometricMean([1, 4, 16])! - 4) < 1e-12);
  assert.equal(geometricMean([null, 0]), null);
});

Deno.test("formatReport() shows medians, ratios to native and to the JIT, and geometric means", () => {
  const text = formatReport(report([
    {
      name: "sieve",
      absent: {},
      samples: {
        native: [ok(10), ok(30), ok(20)],
        jit: [ok(45), ok(40), ok(50)],
        interp: [ok(400), ok(400), ok(400)],
      },
    },
    {
      name: "crc32",
      absent: {},
      samples: { native: [ok(8)], jit: [ok(40)], interp: [ok(160)] },
    },
  ], [column("native"), column("jit"), column("interp")]));
  assert.deepEqual(tableRow(text, "Whole run", "sieve"), [
    "sieve",
    "20.0",
    "45.0",
    "400",
    "ok 0000abcd",
  ]);
  assert.deepEqual(tableRow(text, "Whole run", "geomean"), ["geomean", "12.6", "42.4", "253", ""]);
  assert.deepEqual(tableRow(text, "Ratio to native", "sieve"), ["sieve", "2.25×", "20.0×"]);
  assert.deepEqual(tableRow(text, "Ratio to native", "crc32"), ["crc32", "5.00×", "20.0×"]);
  assert.deepEqual(tableRow(text, "Ratio to native", "geomean"), ["geomean", "3.35×", "20.0×"]);
  assert.deepEqual(tableRow(text, "Ratio to jitvisor jit", "crc32"), ["crc32", "0.20×", "4.00×"]);
  assert.match(text, /Test CPU \(4 CPUs\)/);
  assert.match(text, /scale=2, median of 3 runs/);
});

Deno.test("formatReport() marks a row wrong when the checksums disagree", () => {
  const r = report([{
    name: "sort",
    absent: {},
    samples: { native: [ok(10, "11111111")], jit: [ok(20, "22222222")] },
  }], [column("native"), column("jit")]);
  assert.equal(summarizeRow(r, r.rows[0]).wrong, true);
  const text = formatReport(r);
  assert.equal(tableRow(text, "Whole run", "sort (wrong)").at(-1), "WRONG");
  assert.match(text, /sort: checksums disagree: native 0x11111111, jit 0x22222222/);
});

Deno.test("formatReport() marks a row wrong when one system's runs disagree among themselves", () => {
  const r = report([{
    name: "sort",
    absent: {},
    samples: { jit: [ok(20, "22222222"), ok(20, "33333333")] },
  }], [column("jit")]);
  assert.equal(summarizeRow(r, r.rows[0]).wrong, true);
});

Deno.test("formatReport() keeps absent peers and failed runs in the table, with their reasons", () => {
  const text = formatReport(report([
    {
      name: "matmul",
      absent: { native: "no native build of matmul" },
      samples: {
        jit: [{ wallMs: 3, kernelMs: null, checksum: null, error: "guest triple-faulted" }],
        interp: [ok(100)],
      },
    },
  ], [column("native"), column("jit"), column("interp"), column("qemu", "not installed")]));
  assert.deepEqual(tableRow(text, "Whole run", "matmul"), [
    "matmul",
    "absent",
    "failed",
    "100",
    "absent",
    "ok 0000abcd",
  ]);
  assert.deepEqual(tableRow(text, "Ratio to native", "geomean"), ["geomean", "—", "—", "—"]);
  assert.match(text, /- qemu: absent \(not installed\)/);
  assert.match(text, /- matmul on native: absent \(no native build of matmul\)/);
  assert.match(text, /- matmul on jitvisor jit: failed \(guest triple-faulted\)/);
});

Deno.test("formatReport() adds kernel-only tables when a guest wrote the markers", () => {
  const text = formatReport(report([{
    name: "sieve",
    absent: {},
    samples: {
      native: [ok(10)],
      jit: [ok(50, "0000abcd", 20)],
      interp: [ok(500, "0000abcd", 400)],
    },
  }], [column("native"), column("jit"), column("interp")]));
  assert.deepEqual(tableRow(text, "Kernel only, between", "sieve"), [
    "sieve",
    "20.0",
    "400",
    "ok 0000abcd",
  ]);
  assert.deepEqual(tableRow(text, "Kernel only, ratio", "sieve"), ["sieve", "20.0×"]);
});

Deno.test("formatRatio() keeps two significant digits for small ratios", () => {
  assert.equal(formatRatio(0.0123), "0.012×");
  assert.equal(formatRatio(1.5), "1.50×");
  assert.equal(formatRatio(150), "150×");
});

Deno.test("KernelTimer.kernelMs() is the time between the start and end markers", () => {
  let now = 5;
  const timer = new KernelTimer(() => now);
  assert.equal(timer.kernelMs(), null);
  timer.mark(MARK_START);
  now = 12;
  timer.mark(MARK_END);
  assert.equal(timer.kernelMs(), 7);
});

Deno.test("parseChecksum() finds the guest's result line", () => {
  assert.equal(parseChecksum("boot\nsieve: checksum=0x14733fb4\n"), "14733fb4");
  assert.equal(parseChecksum("sieve: checksum=0x1473\n"), null);
});

Deno.test("parseBenchArgs() reads the flags and rejects bad input", () => {
  const options = parseBenchArgs(["sieve", "crc32", "--runs", "2", "--scale", "3", "--vs", "qemu"]);
  assert.ok(options !== "help");
  assert.deepEqual(options.names, ["sieve", "crc32"]);
  assert.equal(options.runs, 2);
  assert.equal(options.scale, 3);
  assert.deepEqual(options.peers, ["qemu"]);
  const defaults = parseBenchArgs([]);
  assert.ok(defaults !== "help");
  assert.deepEqual(defaults.peers, ["native", "qemu", "v86"]);
  assert.equal(defaults.scale, null);
  assert.equal(parseBenchArgs(["--help"]), "help");
  for (const bad of [["--runs", "0"], ["--vs", "bochs"], ["--scale", "x"], ["--frobnicate"]]) {
    assert.throws(() => parseBenchArgs(bad), /--|frobnicate/);
  }
});

const root = new URL("../../", import.meta.url);
const cli = new URL("src/cli.ts", root).pathname;

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, ...args],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test("jitvisor bench with an unknown guest name prints one error line and exits 2", async () => {
  const { code, stderr } = await runCli(["bench", "no-such-guest", "--runs", "1"]);
  assert.equal(code, 2);
  assert.match(stderr, /^error: /m);
});

const GUEST = "sieve";
const image = new URL(`guests/build/bench/${GUEST}.elf`, root).pathname;
const haveImage = await Deno.stat(image).then(() => true, () => false);
if (!haveImage) {
  console.warn(`skipping the end-to-end bench test: ${image} is missing (deno task guests)`);
}

Deno.test({
  name: `jitvisor bench ${GUEST} --scale 1 --runs 1 --vs native runs every system once`,
  ignore: !haveImage,
  async fn() {
    const { code, stdout, stderr } = await runCli([
      "bench",
      GUEST,
      "--scale",
      "1",
      "--runs",
      "1",
      "--vs",
      "native",
      "--json",
    ]);
    assert.ok(code === 0 || code === 1, `status ${code}: ${stderr}`);
    assert.match(stderr, /\[1\/1\] sieve run 1\/1 jit/);
    const result = JSON.parse(stdout);
    assert.deepEqual(result.systems.map((s: SystemColumn) => s.id), ["native", "jit", "interp"]);
    const row = result.summary[0];
    assert.equal(row.name, GUEST);
    const expected = parseChecksum(
      await Deno.readTextFile(new URL(`guests/bench/${GUEST}.expected`, root)),
    );
    for (const id of ["native", "jit", "interp"]) {
      const cell = row.cells[id];
      // A system may be absent or fail (the reason is reported), but what it prints must match.
      if (cell.status === "ok") assert.equal(cell.checksum, expected, `${id} checksum`);
      else assert.ok(cell.reason, `${id} is ${cell.status} without a reason`);
    }
    const bad = row.wrong ||
      Object.values(row.cells).some((c) => (c as { status: string }).status === "failed");
    assert.equal(code, bad ? 1 : 0);
  },
});
