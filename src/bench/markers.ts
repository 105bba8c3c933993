/**
 * The benchmark marker port: a guest writes MARK_START to MARKER_PORT when its timed kernel
 * begins and MARK_END when it ends, and the monitor timestamps both writes, so the steady-state
 * kernel time can be told apart from boot, loading and compilation.
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
