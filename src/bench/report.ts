/**
 * The results of a bench session (systems, guests, the samples of every run) and their
 * summary: medians per cell, checksum agreement per guest, ratios and geometric means.
 *
 * @module
 */

import { geometricMean, median, ratio } from "./stats.ts";

/** The systems a guest can be run under. */
export type SystemId = "native" | "jit" | "interp" | "qemu" | "v86";

/** A column of the table: one system, or the reason it is absent. */
export interface SystemColumn {
  /** Which system. */
  id: SystemId;
  /** Column heading. */
  label: string;
  /** Why the system could not run at all, or `null` when it is available. */
  absent: string | null;
  /** Whether the system times the kernel between the markers (otherwise: whole runs only). */
  kernelTiming: boolean;
}

/** One run of one guest under one system. */
export interface RunSample {
  /** Whole run in ms: process spawn to exit, or VM creation to exit for in-process systems. */
  wallMs: number;
  /** Time between the guest's start and end markers, when it wrote them and the system saw them. */
  kernelMs: number | null;
  /** The checksum the guest printed (8 hex digits), or `null`. */
  checksum: string | null;
  /** What went wrong, or `null` when the run succeeded. */
  error: string | null;
}

/** The samples of one guest. */
export interface BenchRow {
  /** Guest name (`sieve`). */
  name: string;
  /** Runs per system, in the order they were taken. */
  samples: Partial<Record<SystemId, RunSample[]>>;
  /** Systems absent for this guest only (e.g. no native build of it), with the reason. */
  absent: Partial<Record<SystemId, string>>;
}

/** A whole bench session. */
export interface BenchReport {
  /** When it ran (ISO 8601). */
  date: string;
  /** The host machine. */
  machine: { cpu: string; nproc: number };
  /** The `scale=N` given to every guest, or `null` for each guest's default. */
  scale: number | null;
  /** Runs per guest and system. */
  runs: number;
  /** The systems, in column order; `native` and `jit` are the ratio bases. */
  systems: SystemColumn[];
  /** One row per guest. */
  rows: BenchRow[];
}

/** What one cell of the table says. */
export interface CellSummary {
  /** `ok`: every run succeeded; `failed`: some run failed; `absent`: the system did not run. */
  status: "ok" | "failed" | "absent";
  /** Median whole-run time of the successful runs (ms). */
  wallMs: number | null;
  /** Median kernel time of the successful runs that had markers (ms). */
  kernelMs: number | null;
  /** The checksum, when every successful run printed the same one. */
  checksum: string | null;
  /** Why the cell is absent or failed. */
  reason: string | null;
}

/** The summary of one guest across the systems. */
export interface RowSummary {
  /** Guest name. */
  name: string;
  /** One cell per system. */
  cells: Partial<Record<SystemId, CellSummary>>;
  /** True when two systems (or two runs) printed different checksums. */
  wrong: boolean;
  /** The checksums seen, by system, when `wrong`. */
  checksums: Partial<Record<SystemId, string>>;
}

/**
 * Summarises the runs of one system on one guest.
 *
 * @param samples the runs (undefined when none were taken)
 * @param absent why the system did not run, or `null`
 * @returns the cell: status, median times, checksum and reason
 */
export function summarizeCell(
  samples: readonly RunSample[] | undefined,
  absent: string | null,
): CellSummary {
  if (absent !== null || samples === undefined || samples.length === 0) {
    return {
      status: "absent",
      wallMs: null,
      kernelMs: null,
      checksum: null,
      reason: absent ?? "not run",
    };
  }
  const ok = samples.filter((s) => s.error === null);
  const failure = samples.find((s) => s.error !== null);
  const sums = new Set(ok.map((s) => s.checksum ?? "none"));
  const kernels = ok.map((s) => s.kernelMs).filter((k): k is number => k !== null);
  return {
    status: failure === undefined ? "ok" : "failed",
    wallMs: median(ok.map((s) => s.wallMs)),
    kernelMs: median(kernels),
    checksum: sums.size === 1 ? [...sums][0] : sums.size > 1 ? "mixed" : null,
    reason: failure?.error ?? null,
  };
}

/**
 * Summarises one guest: a cell per system and whether the checksums agree.
 *
 * @param report the session (for its systems)
 * @param row the guest's samples
 * @returns the row summary
 *
 * @example Two systems that disagree
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeRow, type BenchReport } from "./report.ts";
 *
 * const report: BenchReport = {
 *   date: "", machine: { cpu: "", nproc: 1 }, scale: 1, runs: 1, rows: [],
 *   systems: [
 *     { id: "native", label: "native", absent: null, kernelTiming: true },
 *     { id: "jit", label: "jit", absent: null, kernelTiming: true },
 *   ],
 * };
 * const run = (checksum: string) => ({ wallMs: 1, kernelMs: null, checksum, error: null });
 * const row = summarizeRow(report, {
 *   name: "sieve", absent: {},
 *   samples: { native: [run("00000001")], jit: [run("00000002")] },
 * });
 * assert.equal(row.wrong, true);
 * ```
 */
export function summarizeRow(report: BenchReport, row: BenchRow): RowSummary {
  const cells: Partial<Record<SystemId, CellSummary>> = {};
  const checksums: Partial<Record<SystemId, string>> = {};
  const seen = new Set<string>();
  let mixed = false;
  for (const system of report.systems) {
    const cell = summarizeCell(
      row.samples[system.id],
      system.absent ?? row.absent[system.id] ?? null,
    );
    cells[system.id] = cell;
    if (cell.checksum === null) continue;
    if (cell.checksum === "mixed") mixed = true;
    checksums[system.id] = cell.checksum === "mixed"
      ? (row.samples[system.id] ?? []).map((s) => s.checksum ?? "none").join("/")
      : cell.checksum;
    seen.add(cell.checksum);
  }
  return { name: row.name, cells, wrong: mixed || seen.size > 1, checksums };
}

/** Which time a table shows. */
export type Timing = "wallMs" | "kernelMs";

/**
 * The median time of every cell, and its ratio to a base system, in table order.
 *
 * @param rows row summaries
 * @param system the column
 * @param timing whole run or kernel only
 * @param base the system to divide by, or `null` for plain times
 * @returns one value per row (`null` where missing)
 */
export function columnValues(
  rows: readonly RowSummary[],
  system: SystemId,
  timing: Timing,
  base: SystemId | null,
): (number | null)[] {
  return rows.map((row) => {
    const value = row.cells[system]?.[timing] ?? null;
    if (base === null) return value;
    return ratio(value, row.cells[base]?.[timing] ?? null);
  });
}

/**
 * The geometric mean of a column.
 *
 * @param values the column's values
 * @returns the mean and how many values it is over
 */
export function columnMean(values: readonly (number | null)[]): { mean: number | null; n: number } {
  return { mean: geometricMean(values), n: values.filter((v) => v !== null && v > 0).length };
}

/** One table of a report: which time it shows, in which columns, as times or as ratios. */
export interface TableSpec {
  /** Whole run or kernel only. */
  timing: Timing;
  /** The system every value is divided by, or `null` for median times. */
  base: SystemId | null;
  /** The columns, in order; never the base. */
  systems: SystemColumn[];
}

/**
 * The tables of a report, in order: whole-run medians, their ratios to native and to the JIT,
 * then the same three for kernel times over the systems that time the kernel, when any guest
 * wrote the markers. A ratio table is there when its base is one of the systems.
 *
 * @param report the session (for its systems)
 * @param rows its row summaries
 * @returns the tables to show
 *
 * @example Kernel tables appear once a kernel time was measured
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportTables, summarizeRow, type BenchReport } from "./report.ts";
 *
 * const report: BenchReport = {
 *   date: "", machine: { cpu: "", nproc: 1 }, scale: 1, runs: 1,
 *   systems: [
 *     { id: "native", label: "native", absent: null, kernelTiming: true },
 *     { id: "jit", label: "jit", absent: null, kernelTiming: true },
 *   ],
 *   rows: [{
 *     name: "sieve", absent: {},
 *     samples: {
 *       native: [{ wallMs: 2, kernelMs: 1, checksum: "00000001", error: null }],
 *       jit: [{ wallMs: 9, kernelMs: 5, checksum: "00000001", error: null }],
 *     },
 *   }],
 * };
 * const tables = reportTables(report, report.rows.map((r) => summarizeRow(report, r)));
 * assert.deepEqual(tables.map((t) => `${t.timing}/${t.base}`), [
 *   "wallMs/null", "wallMs/native", "wallMs/jit",
 *   "kernelMs/null", "kernelMs/native", "kernelMs/jit",
 * ]);
 * ```
 */
export function reportTables(report: BenchReport, rows: readonly RowSummary[]): TableSpec[] {
  const tables: TableSpec[] = [];
  const add = (timing: Timing, systems: SystemColumn[]) => {
    tables.push({ timing, base: null, systems });
    for (const base of ["native", "jit"] as const) {
      if (!systems.some((s) => s.id === base)) continue;
      tables.push({ timing, base, systems: systems.filter((s) => s.id !== base) });
    }
  };
  add("wallMs", report.systems);
  const hasKernel = rows.some((r) => Object.values(r.cells).some((c) => c?.kernelMs != null));
  if (hasKernel) add("kernelMs", report.systems.filter((s) => s.kernelTiming));
  return tables;
}

/** The numbers of one table, as the JSON output gives them. */
export interface TableValues {
  /** Whole run or kernel only. */
  timing: Timing;
  /** The system the values are divided by, or `null` for median times in ms. */
  base: SystemId | null;
  /** Per guest, per column: the median time or the ratio (`null` where missing). */
  rows: { name: string; values: Partial<Record<SystemId, number | null>> }[];
  /** Per column: the geometric mean and how many rows it is over. */
  geomean: Partial<Record<SystemId, { mean: number | null; n: number }>>;
}

/**
 * The values and geometric means of one table.
 *
 * @param rows the row summaries
 * @param table the table
 * @returns its numbers by guest and column
 */
export function tableValues(rows: readonly RowSummary[], table: TableSpec): TableValues {
  const values: TableValues["rows"] = rows.map((row) => ({ name: row.name, values: {} }));
  const geomean: TableValues["geomean"] = {};
  for (const s of table.systems) {
    const column = columnValues(rows, s.id, table.timing, table.base);
    column.forEach((v, r) => values[r].values[s.id] = v);
    geomean[s.id] = columnMean(column);
  }
  return { timing: table.timing, base: table.base, rows: values, geomean };
}
