/** Tests of `jitvisor bench`: statistics, the table (medians, ratios, geometric means, "wrong"
 * rows, absent peers, kernel-only tables), the native system's kernel time, argument parsing,
 * and one end-to-end run on a small guest. */

import assert from "node:assert/strict";
import { parseBenchArgs } from "../../src/bench/bench_command.ts";
import { type BenchGuest, findBenchGuests, parseChecksum } from "../../src/bench/bench_guests.ts";
import { KernelTimer, MARK_END, MARK_START, parseNativeKernelMs } from "../../src/bench/markers.ts";
import {
  type BenchReport,
  reportTables,
  type RunSample,
  summarizeRow,
  type SystemColumn,
  type TableValues,
  tableValues,
} from "../../src/bench/report.ts";
import { geometricMean, median } from "../../src/bench/stats.ts";
import { NativeSystem } from "../../src/bench/systems.ts";
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
  kernelTiming: id !== "qemu",
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
  assert.deepEqual(tableRow(text, "Whole run, median", "sieve"), [
    "sieve",
    "20.0",
    "45.0",
    "400",
    "ok 0000abcd",
  ]);
  assert.deepEqual(tableRow(text, "Whole run, median", "geomean"), [
    "geomean",
    "12.6",
    "42.4",
    "253",
    "",
  ]);
  const toNative = "Whole run, ratio to native";
  assert.deepEqual(tableRow(text, toNative, "sieve"), ["sieve", "2.25×", "20.0×"]);
  assert.deepEqual(tableRow(text, toNative, "crc32"), ["crc32", "5.00×", "20.0×"]);
  assert.deepEqual(tableRow(text, toNative, "geomean"), ["geomean", "3.35×", "20.0×"]);
  const toJit = "Whole run, ratio to jitvisor jit";
  assert.deepEqual(tableRow(text, toJit, "crc32"), ["crc32", "0.20×", "4.00×"]);
  assert.doesNotMatch(text, /Kernel only/);
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
  assert.equal(tableRow(text, "Whole run, median", "sort (wrong)").at(-1), "WRONG");
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
  assert.deepEqual(tableRow(text, "Whole run, median", "matmul"), [
    "matmul",
    "absent",
    "failed",
    "100",
    "absent",
    "ok 0000abcd",
  ]);
  assert.deepEqual(tableRow(text, "Whole run, ratio to native", "geomean"), [
    "geomean",
    "—",
    "—",
    "—",
  ]);
  assert.match(text, /- qemu: absent \(not installed\)/);
  assert.match(text, /- matmul on native: absent \(no native build of matmul\)/);
  assert.match(text, /- matmul on jitvisor jit: failed \(guest triple-faulted\)/);
});

Deno.test("formatReport() adds kernel-only tables with ratios to native and to the JIT", () => {
  const text = formatReport(report([
    {
      name: "sieve",
      absent: {},
      samples: {
        native: [ok(10, "0000abcd", 2)],
        jit: [ok(50, "0000abcd", 20)],
        interp: [ok(500, "0000abcd", 400)],
        qemu: [ok(300)],
      },
    },
    {
      name: "crc32",
      absent: {},
      samples: {
        native: [ok(10, "0000abcd", 5)],
        jit: [ok(50, "0000abcd", 40)],
        interp: [ok(500, "0000abcd", 160)],
        qemu: [ok(300)],
      },
    },
  ], [column("native"), column("jit"), column("interp"), column("qemu")]));
  const times = "Kernel only, between the markers, median";
  assert.deepEqual(tableRow(text, times, "bench"), [
    "bench",
    "native",
    "jitvisor jit",
    "jitvisor interp",
    "check",
  ]);
  assert.deepEqual(tableRow(text, times, "sieve"), ["sieve", "2.00", "20.0", "400", "ok 0000abcd"]);
  const toNative = "Kernel only, ratio to native";
  assert.deepEqual(tableRow(text, toNative, "bench"), ["bench", "jitvisor jit", "jitvisor interp"]);
  assert.deepEqual(tableRow(text, toNative, "sieve"), ["sieve", "10.0×", "200×"]);
  assert.deepEqual(tableRow(text, toNative, "crc32"), ["crc32", "8.00×", "32.0×"]);
  assert.deepEqual(tableRow(text, toNative, "geomean"), ["geomean", "8.94×", "80.0×"]);
  const toJit = "Kernel only, ratio to jitvisor jit";
  assert.deepEqual(tableRow(text, toJit, "bench"), ["bench", "native", "jitvisor interp"]);
  assert.deepEqual(tableRow(text, toJit, "sieve"), ["sieve", "0.10×", "20.0×"]);
  assert.match(
    text,
    /timestamped by jitvisor jit, jitvisor interp; native: CLOCK_MONOTONIC read at the same two points \(qemu: whole run only\)\./,
  );
});

Deno.test("formatReport() shows a native run without a kernel time as missing, not failed", () => {
  const text = formatReport(report([
    { name: "sieve", absent: {}, samples: { native: [ok(10)], jit: [ok(50, "0000abcd", 20)] } },
    {
      name: "sort",
      absent: {},
      samples: { native: [ok(10, "0000abcd", 4)], jit: [ok(50, "0000abcd", 20)] },
    },
  ], [column("native"), column("jit")]));
  assert.deepEqual(tableRow(text, "Kernel only, between", "sieve"), [
    "sieve",
    "—",
    "20.0",
    "ok 0000abcd",
  ]);
  assert.deepEqual(tableRow(text, "Kernel only, ratio to native", "sieve"), [
    "sieve",
    "— (no native)",
  ]);
  assert.deepEqual(tableRow(text, "Kernel only, ratio to native", "geomean"), [
    "geomean",
    "5.00× (1/2)",
  ]);
  assert.doesNotMatch(text, /sieve on native: failed/);
});

Deno.test("reportTables() and tableValues() give the JSON the same ratios and means as the text", () => {
  const r = report([
    {
      name: "sieve",
      absent: {},
      samples: { native: [ok(10, "0000abcd", 2)], jit: [ok(50, "0000abcd", 20)] },
    },
    {
      name: "sort",
      absent: {},
      samples: { native: [ok(10, "0000abcd", 4)], jit: [ok(50, "0000abcd", 160)] },
    },
  ], [column("native"), column("jit"), column("qemu", "not installed")]);
  const rows = r.rows.map((row) => summarizeRow(r, row));
  const tables = reportTables(r, rows);
  assert.deepEqual(tables.map((t) => [t.timing, t.base, t.systems.map((s) => s.id).join(",")]), [
    ["wallMs", null, "native,jit,qemu"],
    ["wallMs", "native", "jit,qemu"],
    ["wallMs", "jit", "native,qemu"],
    ["kernelMs", null, "native,jit"],
    ["kernelMs", "native", "jit"],
    ["kernelMs", "jit", "native"],
  ]);
  const kernelToNative = tableValues(rows, tables[4]);
  assert.deepEqual(kernelToNative.rows, [
    { name: "sieve", values: { jit: 10 } },
    { name: "sort", values: { jit: 40 } },
  ]);
  assert.equal(kernelToNative.geomean.jit?.n, 2);
  assert.ok(Math.abs(kernelToNative.geomean.jit!.mean! - 20) < 1e-9);
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

Deno.test("parseNativeKernelMs() reads the last bench-kernel-ns line of a native run's stderr", () => {
  const cases: [string, number | null][] = [
    ["bench-kernel-ns=1500000\n", 1.5],
    ["warning: x\nbench-kernel-ns=2000000\nbench-kernel-ns=3000000\n", 3],
    ["", null],
    ["bench-kernel-ns=\n", null],
    ["bench-kernel-ns=-5\n", null],
    ["not bench-kernel-ns=7\n", null],
  ];
  for (const [stderr, expected] of cases) {
    assert.equal(parseNativeKernelMs(stderr), expected, JSON.stringify(stderr));
  }
});

/** A fake native build: a shell script that prints `stdout` and `stderr` and exits with 0. */
async function fakeNative(stdout: string, stderr: string): Promise<BenchGuest> {
  const path = await Deno.makeTempFile({ dir: "/tmp", prefix: "jitvisor-fake-native-" });
  await Deno.writeTextFile(path, `#!/bin/sh\nprintf '${stdout}'\nprintf '${stderr}' >&2\n`);
  await Deno.chmod(path, 0o755);
  return { name: "fake", image: "/nonexistent.elf", native: path };
}

Deno.test("NativeSystem.run() takes the kernel time from stderr, and its absence is no failure", async () => {
  const cases: [string, number | null][] = [
    ["bench-kernel-ns=4250000\\n", 4.25],
    ["", null],
  ];
  for (const [stderr, kernelMs] of cases) {
    const guest = await fakeNative("fake: checksum=0x0000abcd\\n", stderr);
    try {
      const sample = await new NativeSystem().run(guest, 1, 10_000);
      assert.equal(sample.error, null);
      assert.equal(sample.checksum, "0000abcd");
      assert.equal(sample.kernelMs, kernelMs);
    } finally {
      await Deno.remove(guest.native!);
    }
  }
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
  assert.deepEqual(defaults.peers, ["native", "interp", "qemu", "v86"]);
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
const nativeGuest = (await findBenchGuests()).find((g) => g.name === GUEST && g.native !== null);
const canRunNative = Deno.build.os === "linux" && Deno.build.arch === "x86_64";

Deno.test({
  name: `NativeSystem.run() gets a positive kernel time from the native build of ${GUEST}`,
  ignore: nativeGuest === undefined || !canRunNative,
  async fn() {
    const sample = await new NativeSystem().run(nativeGuest!, 1, 60_000);
    assert.equal(sample.error, null);
    assert.ok(sample.kernelMs !== null && sample.kernelMs > 0, `kernelMs ${sample.kernelMs}`);
    assert.ok(sample.kernelMs < sample.wallMs, `kernel ${sample.kernelMs} ms of ${sample.wallMs}`);
  },
});

Deno.test({
  name: `jitvisor bench ${GUEST} --vs native leaves the interpreter out`,
  ignore: !haveImage,
  async fn() {
    const args = ["bench", GUEST, "--scale", "1", "--runs", "1", "--vs", "native", "--json"];
    const { code, stdout, stderr } = await runCli(args);
    assert.ok(code === 0 || code === 1, `status ${code}: ${stderr}`);
    const result = JSON.parse(stdout);
    assert.deepEqual(result.systems.map((s: SystemColumn) => s.id), ["native", "jit"]);
    assert.doesNotMatch(stderr, /interp/);
  },
});

Deno.test({
  name: `jitvisor bench ${GUEST} --scale 1 --runs 1 --vs native,interp runs every system once`,
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
      "native,interp",
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
      if (cell.status === "ok") {
        assert.equal(cell.checksum, expected, `${id} checksum`);
        assert.ok(cell.kernelMs > 0, `${id} kernel time ${cell.kernelMs}`);
      } else {
        assert.ok(cell.reason, `${id} is ${cell.status} without a reason`);
      }
    }
    const kernelToNative = result.tables.find((t: TableValues) =>
      t.timing === "kernelMs" && t.base === "native"
    );
    assert.ok(kernelToNative, "no kernel-only ratio-to-native table in the JSON");
    if (row.cells.native.status === "ok" && row.cells.jit.status === "ok") {
      assert.ok(kernelToNative.rows[0].values.jit > 0);
      assert.equal(kernelToNative.geomean.jit.n, 1);
    }
    const bad = row.wrong ||
      Object.values(row.cells).some((c) => (c as { status: string }).status === "failed");
    assert.equal(code, bad ? 1 : 0);
  },
});
