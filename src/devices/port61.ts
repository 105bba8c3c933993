/**
 * System control port B (0x61): the PIT channel 2 gate, the speaker data bit, the DRAM refresh
 * toggle and channel 2's OUT, as Linux's PIT calibration and BIOS delay loops probe them.
 *
 * A hostile guest can only toggle four writable bits; the state is one byte.
 */

import type { AccessSize, Clock, DeviceStats, PortDevice } from "./device.ts";
import type { Pit8254 } from "./pit8254.ts";

/** Bit 0: gate input of PIT channel 2. */
export const PORT61_TIMER2_GATE = 0x01;
/** Bit 1: speaker data enable (ANDed with channel 2's OUT to drive the speaker). */
export const PORT61_SPEAKER_DATA = 0x02;
/** Bits 3–0 are read/write; the rest are status. */
const WRITABLE = 0x0f;
/** Bit 4: refresh request toggle, flips every refresh period. */
export const PORT61_REFRESH = 0x10;
/** Bit 5: OUT of PIT channel 2. */
export const PORT61_TIMER2_OUT = 0x20;
/** Period of the refresh toggle in nanoseconds (about 15 µs: 18 PIT input clocks). */
const REFRESH_NS = 15_085;

/** The plain, JSON-able state of port 0x61; the defaults are the power-on values. */
export interface SystemControlBState {
  /** The writable low nibble. */
  control: number;
}

/** Dependencies of port 0x61. */
export interface SystemControlBDeps {
  /** The PIT whose channel 2 gate and OUT the port exposes. */
  pit: Pit8254;
  /** The VM's time source (for the refresh toggle). */
  clock: Clock;
}

/** System control port B at 0x61. */
export class SystemControlB implements PortDevice {
  /** Counters of accesses the port does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  #control = 0;
  #pit: Pit8254;
  #clock: Clock;

  /**
   * Builds the port in its power-on state.
   * @param deps.pit the PIT (channel 2 gate and OUT)
   * @param deps.clock time source for the refresh toggle
   */
  constructor(deps: SystemControlBDeps) {
    this.#pit = deps.pit;
    this.#clock = deps.clock;
  }

  /** Restores the port from `saveState()` output; the PIT keeps its own gate state. */
  static fromState(state: Partial<SystemControlBState>, deps: SystemControlBDeps): SystemControlB {
    const port = new SystemControlB(deps);
    port.#control = (state.control ?? 0) & WRITABLE;
    return port;
  }

  /** A JSON-able copy of the port. */
  saveState(): SystemControlBState {
    return { control: this.#control };
  }

  /** True while the speaker is driven (data bit set and channel 2 gated on). */
  get speakerOn(): boolean {
    return (this.#control & (PORT61_SPEAKER_DATA | PORT61_TIMER2_GATE)) ===
      (PORT61_SPEAKER_DATA | PORT61_TIMER2_GATE);
  }

  /** Reads the control bits, refresh toggle and channel 2 OUT. */
  read(offset: number, size: AccessSize): number {
    if (offset !== 0 || size !== 1) {
      this.stats.missedReads++;
      return 0xff;
    }
    const refresh = Math.floor(this.#clock.now() / REFRESH_NS) & 1 ? PORT61_REFRESH : 0;
    const out = this.#pit.output(2) ? PORT61_TIMER2_OUT : 0;
    return this.#control | refresh | out;
  }

  /** Writes the control bits; bit 0 drives PIT channel 2's gate. */
  write(offset: number, size: AccessSize, value: number): void {
    if (offset !== 0 || size !== 1) {
      this.stats.missedWrites++;
      return;
    }
    this.#control = value & WRITABLE;
    this.#pit.setGate(2, (value & PORT61_TIMER2_GATE) !== 0);
  }
}
