/**
 * The benchmark marker port: a guest writes MARK_START to MARKER_PORT when its timed kernel
 * begins and MARK_END when it ends, and the monitor timestamps both writes, so the steady-state
 * kernel time can be told apart from boot, loading and compilation. A native build reads the
 * host clock at the same two points instead and reports the difference on stderr.
 *
 * @module
 */

/** I/O port the bench guests write their markers to (unused by any PC device). */
export const MARKER_PORT = 0x0510;
/** Marker value: the timed kernel starts now. */
export const MARK_START = 1;
/** Marker value: the timed kernel has ended. */
export const MARK_END = 2;

/** Records the host time of the start and end markers a guest writes. */
export class KernelTimer {
  /** Host time (ms) of the first start marker, or `null`. */
  startMs: number | null = null;
  /** Host time (ms) of the last end marker, or `null`. */
  endMs: number | null = null;

  readonly #now: () => number;

  /**
   * Creates a timer with no markers seen.
   * @param now the host clock in milliseconds
   */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /**
   * Handles a write of `value` to the marker port.
   *
   * @param value the value the guest wrote
   *
   * @example Timing a kernel
   * ```ts
   * import assert from "node:assert/strict";
   * import { KernelTimer, MARK_END, MARK_START } from "./markers.ts";
   *
   * let t = 10;
   * const timer = new KernelTimer(() => t);
   * timer.mark(MARK_START);
   * t = 35;
   * timer.mark(MARK_END);
   * assert.equal(timer.kernelMs(), 25);
   * ```
   */
  mark(value: number): void {
    if (value === MARK_START && this.startMs === null) this.startMs = this.#now();
    else if (value === MARK_END) this.endMs = this.#now();
  }

  /**
   * The time between the start and end markers.
   *
   * @returns milliseconds, or `null` when the guest did not write both markers in order
   */
  kernelMs(): number | null {
    if (this.startMs === null || this.endMs === null || this.endMs < this.startMs) return null;
    return this.endMs - this.startMs;
  }
}

/** What a native bench build prints to stderr at its end marker, before `=N` (nanoseconds). */
export const NATIVE_KERNEL_KEY = "bench-kernel-ns";

/**
 * The kernel time a native bench build reported: `native_shim.c` reads CLOCK_MONOTONIC at the
 * start and end markers and prints `bench-kernel-ns=N` to stderr at the end marker.
 *
 * @param stderr everything the native program wrote to stderr
 * @returns milliseconds from the last such line (as the last end marker counts under a VM), or
 *   `null` when there is none, e.g. from a build that predates the line
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNativeKernelMs } from "./markers.ts";
 *
 * assert.equal(parseNativeKernelMs("bench-kernel-ns=2500000\n"), 2.5);
 * assert.equal(parseNativeKernelMs(""), null);
 * ```
 */
export function parseNativeKernelMs(stderr: string): number | null {
  const lines = [...stderr.matchAll(new RegExp(`^${NATIVE_KERNEL_KEY}=(\\d+)\\s*$`, "gm"))];
  const last = lines.at(-1);
  return last === undefined ? null : Number(last[1]) / 1e6;
}
