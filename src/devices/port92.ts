/**
 * System control port A (0x92, "fast A20"): bit 1 gates address line 20, writing 1 to bit 0
 * resets the CPU.
 *
 * A hostile guest can reset the VM or toggle A20 as often as it likes; each write is one call
 * to the injected effect and the state is one byte.
 */

import type { AccessSize, DeviceStats, PortDevice } from "./device.ts";

/** Bit 0: fast reset (writing 1 pulses the CPU reset line). */
export const PORT92_RESET = 0x01;
/** Bit 1: A20 gate enable. */
export const PORT92_A20 = 0x02;

/** The plain, JSON-able state of port 0x92; the defaults are the power-on values. */
export interface SystemControlAState {
  /** Last value written, with the self-clearing reset bit removed. */
  value: number;
}

/** Effects port 0x92 has on the machine. */
export interface SystemControlADeps {
  /** Called when the A20 gate changes. */
  setA20: (on: boolean) => void;
  /** Called when the guest requests a CPU reset. */
  onReset: () => void;
}

/** System control port A at 0x92. */
export class SystemControlA implements PortDevice {
  /** Counters of accesses the port does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  #value = 0;
  #deps: SystemControlADeps;

  /**
   * Builds the port in its power-on state.
   * @param deps.setA20 called with the new A20 state when bit 1 changes
   * @param deps.onReset called when bit 0 is written as 1
   */
  constructor(deps: SystemControlADeps) {
    this.#deps = deps;
  }

  /** Restores the port from `saveState()` output (no effects are called). */
  static fromState(state: Partial<SystemControlAState>, deps: SystemControlADeps): SystemControlA {
    const port = new SystemControlA(deps);
    port.#value = (state.value ?? 0) & ~PORT92_RESET & 0xff;
    return port;
  }

  /** A JSON-able copy of the port. */
  saveState(): SystemControlAState {
    return { value: this.#value };
  }

  /** Reads the last value written (bit 0 reads as 0 once the reset has happened). */
  read(offset: number, size: AccessSize): number {
    if (offset !== 0 || size !== 1) {
      this.stats.missedReads++;
      return 0xff;
    }
    return this.#value;
  }

  /** Writes A20 (bit 1) and reset (bit 0). */
  write(offset: number, size: AccessSize, value: number): void {
    if (offset !== 0 || size !== 1) {
      this.stats.missedWrites++;
      return;
    }
    const old = this.#value;
    this.#value = value & ~PORT92_RESET & 0xff;
    if ((old ^ value) & PORT92_A20) this.#deps.setA20((value & PORT92_A20) !== 0);
    if (value & PORT92_RESET) this.#deps.onReset();
  }
}
