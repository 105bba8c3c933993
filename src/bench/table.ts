/**
 * Formats a bench report as text: tables of median times (whole run, and kernel only where the
 * guests mark it), ratios to native and to jitvisor's JIT with geometric means, a check column
 * that marks rows whose checksums disagree, and notes for absent systems and failed runs.
 *
 * @module
 */

import { MARKER_PORT } from "./markers.ts";
import {
  type BenchReport,
  reportTables,
  type RowSummary,
  summarizeRow,
  type SystemId,
  type TableSpec,
  tableValues,
} from "./report.ts";

/**
 * Formats milliseconds with precision that fits their size.
 *
 * @param ms a duration
 * @returns e.g. `"4.21"`, `"42.1"`, `"421"`
 */
export function formatMs(ms: number): string {
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

/**
 * Formats a ratio as a multiplier.
 *
 * @param r the ratio
 * @returns e.g. `"0.012×"`, `"1.25×"`, `"12.5×"`, `"125×"`
 */
export function formatRatio(r: number): string {
  if (r < 0.1) return `${r.toPrecision(2)}×`;
  if (r < 10) return `${r.toFixed(2)}×`;
  if (r < 100) return `${r.toFixed(1)}×`;
  return `${r.toFixed(0)}×`;
}

/** Lays out rows of cells as a Markdown pipe table with padded columns. */
function pipeTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")
    } |`;
  const rule = `|${
    widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")
  }|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

/** What a cell shows when it has no value. */
function missing(row: RowSummary, id: SystemId): string {
  const cell = row.cells[id];
  if (cell === undefined || cell.status === "absent") return "absent";
  if (cell.status === "failed" && cell.wallMs === null) return "failed";
  return "—";
}

/** The check column: agreement of the checksums across systems. */
function checkCell(row: RowSummary): string {
  if (row.wrong) return "WRONG";
  const any = Object.values(row.cells).find((c) => c?.checksum);
  return any?.checksum ? `ok ${any.checksum}` : "—";
}

/** The heading of a table, e.g. "Kernel only, ratio to native (higher is slower):". */
function tableTitle(report: BenchReport, { timing, base }: TableSpec): string {
  const what = timing === "wallMs" ? "Whole run" : "Kernel only";
  if (base === null) {
    return `${what}${timing === "kernelMs" ? ", between the markers" : ""}, median (ms):`;
  }
  const label = report.systems.find((s) => s.id === base)?.label ?? base;
  return `${what}, ratio to ${label} (higher is slower):`;
}

/** One table: times (base `null`) or ratios to `base`, with a geometric-mean row. */
function timingTable(rows: RowSummary[], table: TableSpec): string {
  const { base, systems: columns } = table;
  const values = tableValues(rows, table);
  const header = ["bench", ...columns.map((s) => s.label)];
  if (base === null) header.push("check");
  const body = rows.map((row, r) => {
    const cells = [row.wrong ? `${row.name} (wrong)` : row.name];
    for (const s of columns) {
      const v = values.rows[r].values[s.id] ?? null;
      const failed = row.cells[s.id]?.status === "failed";
      cells.push(
        v === null
          ? (base !== null && missing(row, s.id) === "—" ? `— (no ${base})` : missing(row, s.id))
          : `${base === null ? formatMs(v) : formatRatio(v)}${failed ? " !" : ""}`,
      );
    }
    if (base === null) cells.push(checkCell(row));
    return cells;
  });
  const means = ["geomean"];
  for (const s of columns) {
    const { mean, n } = values.geomean[s.id] ?? { mean: null, n: 0 };
    const text = mean === null ? "—" : base === null ? formatMs(mean) : formatRatio(mean);
    means.push(mean !== null && n < rows.length ? `${text} (${n}/${rows.length})` : text);
  }
  if (base === null) means.push("");
  body.push(means);
  return pipeTable(header, body);
}

/** Notes under the tables: absent systems, failed runs, wrong checksums, what is timed. */
function notes(report: BenchReport, rows: RowSummary[], hasKernel: boolean): string[] {
  const out: string[] = [];
  for (const s of report.systems) {
    if (s.absent !== null) out.push(`${s.label}: absent (${s.absent})`);
  }
  for (const row of rows) {
    for (const s of report.systems) {
      const cell = row.cells[s.id];
      if (s.absent !== null || cell === undefined) continue;
      if (cell.status === "absent") out.push(`${row.name} on ${s.label}: absent (${cell.reason})`);
      if (cell.status === "failed") out.push(`${row.name} on ${s.label}: failed (${cell.reason})`);
    }
    if (row.wrong) {
      const sums = Object.entries(row.checksums).map(([id, c]) => `${id} 0x${c}`).join(", ");
      out.push(`${row.name}: checksums disagree: ${sums}`);
    }
  }
  out.push(
    "whole run: native and qemu from process spawn to exit (start-up included); jitvisor and v86 " +
      "in this process from VM creation to the exit write (image load and JIT compilation included, " +
      "process start-up not).",
  );
  const port = `0x${MARKER_PORT.toString(16).padStart(4, "0")}`;
  if (!hasKernel) {
    out.push(
      `kernel: no guest marked its kernel (writes to port ${port}), so only whole-run times are shown.`,
    );
  } else {
    const timers: string[] = [];
    const vms = report.systems.filter((s) => s.kernelTiming && s.id !== "native");
    if (vms.length) {
      timers.push(`writes to port ${port}, timestamped by ${vms.map((s) => s.label).join(", ")}`);
    }
    if (report.systems.some((s) => s.kernelTiming && s.id === "native")) {
      timers.push("native: CLOCK_MONOTONIC read at the same two points");
    }
    const wholeOnly = report.systems.filter((s) => !s.kernelTiming).map((s) => s.label);
    out.push(
      `kernel: between the guest's start and end markers (bench_mark()): ${timers.join("; ")}` +
        (wholeOnly.length ? ` (${wholeOnly.join(", ")}: whole run only).` : "."),
    );
  }
  out.push('"!" after a value: some runs of that cell failed; the value is over the others.');
  return out;
}

/**
 * Formats a bench report as Markdown-compatible text tables with notes.
 *
 * @param report the session's results
 * @returns the text to print
 *
 * @example An absent peer stays in the table
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatReport } from "./table.ts";
 *
 * const text = formatReport({
 *   date: "2025-01-01T00:00:00Z", machine: { cpu: "cpu", nproc: 1 }, scale: 1, runs: 1,
 *   systems: [{ id: "qemu", label: "qemu", absent: "not installed", kernelTiming: false }],
 *   rows: [{ name: "sieve", samples: {}, absent: {} }],
 * });
 * assert.match(text, /\| sieve +\| absent \|/);
 * ```
 */
export function formatReport(report: BenchReport): string {
  const rows = report.rows.map((row) => summarizeRow(report, row));
  const scale = report.scale === null ? "each guest's default scale" : `scale=${report.scale}`;
  const parts = [
    `jitvisor bench: ${scale}, median of ${report.runs} run${report.runs === 1 ? "" : "s"}; ` +
    `${report.machine.cpu} (${report.machine.nproc} CPUs), ${report.date}`,
  ];
  const tables = reportTables(report, rows);
  for (const table of tables) {
    parts.push("", tableTitle(report, table), "", timingTable(rows, table));
  }
  const hasKernel = tables.some((t) => t.timing === "kernelMs");
  parts.push("", "Notes:", ...notes(report, rows, hasKernel).map((n) => `- ${n}`));
  return parts.join("\n");
}
