/** Test doubles shared by the device tests: a settable clock and a recording interrupt line. */

import type { Clock, IrqLine } from "../../src/devices/device.ts";

/** A clock the test moves by hand (nanoseconds). */
export class FakeClock implements Clock {
  constructor(public t = 0) {}
  now(): number {
    return this.t;
  }
}

/** An interrupt line that remembers its level and counts rising edges. */
export class RecordingIrq implements IrqLine {
  level = false;
  rises = 0;
  set(level: boolean): void {
    if (level && !this.level) this.rises++;
    this.level = level;
  }
}
