/**
 * `jitvisor bench`: runs the bench guests under jitvisor's JIT and interpreter and, for
 * comparison, natively, under QEMU (TCG) and under v86; alternates the systems run by run;
 * prints median times, ratios and geometric means, or the results as JSON.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type BenchGuest, DEFAULT_BUILD_DIR, findBenchGuests } from "./bench_guests.ts";
import type { BenchReport, BenchRow, RunSample, SystemId } from "./report.ts";
import { reportTables, summarizeRow, tableValues } from "./report.ts";
import { formatMs, formatReport } from "./table.ts";
import { type BenchSystem, JitvisorSystem, NativeSystem, QemuSystem } from "./systems.ts";
import { V86System } from "./v86_system.ts";

/** Exit status for bad input. */
const EXIT_USAGE = 2;
/** The peers `--vs` accepts, in column order. */
export const PEERS = ["native", "interp", "qemu", "v86"] as const;
/** A system jitvisor's JIT is compared with (its own interpreter among them). */
export type PeerId = (typeof PEERS)[number];
/** Default runs per guest and system. */
const DEFAULT_RUNS = 3;
/** Default time limit of one run, in seconds. */
const DEFAULT_TIMEOUT_S = 600;

const HELP = `Usage: jitvisor bench [names] [options]

Runs the bench guests (guests/build/bench/*.elf; build them with "deno task guests") under
jitvisor's JIT and the systems --vs names (its interpreter among them), alternating the
systems run by run, and prints the median time per system, the ratios to native and to the JIT, and geometric means,
for whole runs and for the kernel alone (between the guests' markers; not under qemu).
A row is marked "wrong" when the guests' checksums disagree across systems.

Options:
  --runs N           runs per guest and system (default ${DEFAULT_RUNS})
  --vs LIST          what to compare the JIT with: native,interp,qemu,v86 or none
                     (default all four; leave out interp at large scales, where it takes minutes)
  --scale N          pass scale=N to every guest (default: each guest's own, ~300 ms native)
  --timeout SECONDS  limit of one run (default ${DEFAULT_TIMEOUT_S})
  --build-dir DIR    where the built guests are (default guests/build)
  --json             print the results as JSON instead of tables
  -h, --help         show this help

Progress goes to stderr. Exit status: 0; 1 when a run failed or a row is wrong; 2 bad input.
Run with permission to read and spawn processes: deno run -A src/cli.ts bench ...`;

/** Parsed `bench` options. */
export interface BenchOptions {
  /** Guest names to run (empty: all). */
  names: string[];
  /** Runs per guest and system. */
  runs: number;
  /** Peers to include. */
  peers: PeerId[];
  /** Scale for every guest, or `null` for their defaults. */
  scale: number | null;
  /** Limit of one run in ms. */
  timeoutMs: number;
  /** The guests' build folder. */
  buildDir: string;
  /** Print JSON. */
  json: boolean;
}

/** Bad command-line input. */
class UsageError extends Error {
  override name = "UsageError";
}

function positiveInt(text: string, flag: string): number {
  if (!/^[1-9]\d*$/.test(text)) {
    throw new UsageError(`${flag} takes a positive whole number, not "${text}"`);
  }
  return Number(text);
}

/**
 * Parses the arguments of `jitvisor bench`.
 *
 * @param args arguments after `bench`
 * @returns the options, or `"help"` for --help
 * @throws Error with a one-line message on bad input
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBenchArgs } from "./bench_command.ts";
 *
 * const options = parseBenchArgs(["sieve", "--runs", "1", "--vs", "native"]);
 * assert.ok(options !== "help");
 * assert.deepEqual(options.peers, ["native"]);
 * ```
 */
export function parseBenchArgs(args: string[]): BenchOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        runs: { type: "string" },
        vs: { type: "string" },
        scale: { type: "string" },
        timeout: { type: "string" },
        "build-dir": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const peers: BenchOptions["peers"] = [];
  const vs = values.vs ?? PEERS.join(",");
  if (vs !== "none" && vs !== "") {
    for (const p of vs.split(",").map((s) => s.trim())) {
      const peer = PEERS.find((q) => q === p);
      if (peer === undefined) {
        throw new UsageError(`--vs takes a list of ${PEERS.join(", ")} (or none), not "${p}"`);
      }
      if (!peers.includes(peer)) peers.push(peer);
    }
  }
  return {
    names: positionals,
    runs: values.runs === undefined ? DEFAULT_RUNS : positiveInt(values.runs, "--runs"),
    peers,
    scale: values.scale === undefined ? null : positiveInt(values.scale, "--scale"),
    timeoutMs: 1000 *
      (values.timeout === undefined ? DEFAULT_TIMEOUT_S : positiveInt(values.timeout, "--timeout")),
    buildDir: values["build-dir"] ?? DEFAULT_BUILD_DIR,
    json: values.json,
  };
}

/** The CPU model and CPU count of this host. */
async function describeMachine(): Promise<BenchReport["machine"]> {
  let cpu = `${Deno.build.arch} (unknown model)`;
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep the architecture
  }
  return { cpu, nproc: navigator.hardwareConcurrency };
}

/** The systems in column order: native, jit, interp, then the other peers. */
function chooseSystems(peers: BenchOptions["peers"]): BenchSystem[] {
  const systems: BenchSystem[] = [];
  if (peers.includes("native")) systems.push(new NativeSystem());
  systems.push(new JitvisorSystem("jit"));
  if (peers.includes("interp")) systems.push(new JitvisorSystem("interp"));
  if (peers.includes("qemu")) systems.push(new QemuSystem());
  if (peers.includes("v86")) systems.push(new V86System());
  return systems;
}

function progress(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`${text}\n`));
}

/**
 * Runs every guest under every available system, `runs` times, alternating the systems.
 *
 * @param options what to run
 * @param guests the guests
 * @param systems the systems
 * @returns the report
 */
export async function runBench(
  options: BenchOptions,
  guests: BenchGuest[],
  systems: BenchSystem[],
): Promise<BenchReport> {
  const absent = new Map<SystemId, string | null>();
  for (const system of systems) {
    progress(`bench: checking ${system.label}...`);
    const reason = await system.probe(guests);
    absent.set(system.id, reason);
    if (reason !== null) progress(`bench: ${system.label} is absent: ${reason}`);
  }
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: await describeMachine(),
    scale: options.scale,
    runs: options.runs,
    systems: systems.map((s) => ({
      id: s.id,
      label: s.label,
      absent: absent.get(s.id) ?? null,
      kernelTiming: s.kernelTiming,
    })),
    rows: [],
  };
  const total = guests.length * options.runs;
  let step = 0;
  for (const guest of guests) {
    const row: BenchRow = { name: guest.name, samples: {}, absent: {} };
    const active = systems.filter((s) => {
      if (absent.get(s.id) !== null) return false;
      const why = s.absentFor(guest);
      if (why !== null) row.absent[s.id] = why;
      return why === null;
    });
    const gaveUp = new Set<SystemId>();
    for (let run = 1; run <= options.runs; run++) {
      step++;
      for (const system of active) {
        if (gaveUp.has(system.id)) continue;
        const sample: RunSample = await system.run(guest, options.scale, options.timeoutMs);
        (row.samples[system.id] ??= []).push(sample);
        if (sample.error !== null) gaveUp.add(system.id);
        const result = sample.error === null
          ? `${formatMs(sample.wallMs)} ms`
          : `failed after ${formatMs(sample.wallMs)} ms: ${sample.error}`;
        progress(
          `[${step}/${total}] ${guest.name} run ${run}/${options.runs} ${system.id}: ${result}`,
        );
      }
    }
    report.rows.push(row);
  }
  return report;
}

/**
 * The `jitvisor bench` command.
 *
 * @param args arguments after `bench`
 * @returns the process exit status: 0; 1 when a run failed or a row is wrong; 2 on bad input
 */
export async function benchCommand(args: string[]): Promise<number> {
  let options: BenchOptions | "help";
  let guests: BenchGuest[];
  try {
    options = parseBenchArgs(args);
    if (options === "help") {
      console.log(HELP);
      return 0;
    }
    const all = await findBenchGuests(options.buildDir);
    if (all.length === 0) {
      throw new UsageError(
        `no bench guests in ${options.buildDir}bench/ (build them with "deno task guests")`,
      );
    }
    const names = options.names;
    for (const name of names) {
      if (!all.some((g) => g.name === name)) {
        throw new UsageError(
          `no bench guest "${name}" (have: ${all.map((g) => g.name).join(", ")})`,
        );
      }
    }
    guests = names.length === 0 ? all : all.filter((g) => names.includes(g.name));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}`);
    return EXIT_USAGE;
  }
  const report = await runBench(options, guests, chooseSystems(options.peers));
  const rows = report.rows.map((row) => summarizeRow(report, row));
  if (options.json) {
    const tables = reportTables(report, rows).map((t) => tableValues(rows, t));
    console.log(JSON.stringify({ ...report, summary: rows, tables }, null, 2));
  } else {
    console.log(formatReport(report));
  }
  const bad = rows.some((r) =>
    r.wrong || Object.values(r.cells).some((c) => c?.status === "failed")
  );
  return bad ? 1 : 0;
}
