/** The two clocks of DESIGN.md §6: host time, and time derived from instructions retired. */

import type { Clock } from "../devices/device.ts";

/** Nanoseconds of virtual time one retired instruction stands for in deterministic mode. */
export const NS_PER_INSTRUCTION = 1;

/** Wall-clock time since construction, for interactive use. */
export class HostClock implements Clock {
  #start = performance.now();
  /** Current time in nanoseconds since the clock was created. */
  now(): number {
    return Math.floor((performance.now() - this.#start) * 1e6);
  }
  /** Continues from `ns` (a restored snapshot's time) instead of from zero. */
  rebase(ns: number): void {
    this.#start = performance.now() - ns / 1e6;
  }
}

/**
 * Time as a pure function of instructions retired (plus time skipped while halted), so two runs
 * of the same guest see the same time and produce the same output.
 */
export class InstructionClock implements Clock {
  /** Instructions retired so far; the run loop advances it. */
  instructions = 0;
  /** Nanoseconds skipped while the guest was halted waiting for an interrupt. */
  skipped = 0;
  /** Current time in nanoseconds. */
  now(): number {
    return this.instructions * NS_PER_INSTRUCTION + this.skipped;
  }
}
