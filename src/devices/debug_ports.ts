/**
 * Debug ports of the guest ABI (DESIGN.md §7): exit (0xF4), console (0xE9), POST codes (0x80).
 *
 * A hostile guest can print without end through 0xE9 (each byte goes straight to `output`,
 * nothing is buffered here) or exit the VM through 0xF4; state is at most one byte.
 */

import type { AccessSize, DeviceStats, PortDevice } from "./device.ts";

/** What a read of the debug console returns, so guests can detect it. */
export const DEBUG_CONSOLE_MAGIC = 0xe9;

/** The plain, JSON-able state of a stateless debug port. */
export type EmptyState = Record<string, never>;

/** Port 0xF4: a write of any width ends the VM with that value as its status. */
export class DebugExit implements PortDevice {
  /** Counters of accesses the port does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  #onExit: (value: number) => void;

  /**
   * Builds the port.
   * @param deps.onExit called with the written value
   */
  constructor(deps: { onExit: (value: number) => void }) {
    this.#onExit = deps.onExit;
  }

  /** Builds the port; it has no state. */
  static fromState(_state: EmptyState, deps: { onExit: (value: number) => void }): DebugExit {
    return new DebugExit(deps);
  }

  /** The port has no state. */
  saveState(): EmptyState {
    return {};
  }

  /** Reads are not part of the ABI: all ones, counted as missed. */
  read(_offset: number, _size: AccessSize): number {
    this.stats.missedReads++;
    return 0xffffffff;
  }

  /** Calls `onExit(value)`. */
  write(offset: number, _size: AccessSize, value: number): void {
    if (offset !== 0) {
      this.stats.missedWrites++;
      return;
    }
    this.#onExit(value);
  }
}

/** Port 0xE9: a byte written is printed through `output`; reads return 0xE9. */
export class DebugConsole implements PortDevice {
  /** Counters of accesses the port does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  #output: (bytes: Uint8Array) => void;

  /**
   * Builds the port.
   * @param deps.output receives each printed byte
   */
  constructor(deps: { output: (bytes: Uint8Array) => void }) {
    this.#output = deps.output;
  }

  /** Builds the port; it has no state. */
  static fromState(
    _state: EmptyState,
    deps: { output: (bytes: Uint8Array) => void },
  ): DebugConsole {
    return new DebugConsole(deps);
  }

  /** The port has no state. */
  saveState(): EmptyState {
    return {};
  }

  /** Returns 0xE9 (the detection value). */
  read(offset: number, size: AccessSize): number {
    if (offset !== 0 || size !== 1) {
      this.stats.missedReads++;
      return 0xff;
    }
    return DEBUG_CONSOLE_MAGIC;
  }

  /** Prints a byte; wider writes are counted as missed. */
  write(offset: number, size: AccessSize, value: number): void {
    if (offset !== 0 || size !== 1) {
      this.stats.missedWrites++;
      return;
    }
    this.#output(Uint8Array.of(value & 0xff));
  }
}

/** The plain, JSON-able state of the POST port; the default is the power-on value. */
export interface PostPortState {
  /** Last code written. */
  lastCode: number;
}

/** Port 0x80: remembers the last POST code (also the classic I/O delay port). */
export class PostPort implements PortDevice {
  /** Counters of accesses the port does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  /** The last byte written. */
  lastCode = 0;

  /** Restores the port from `saveState()` output. */
  static fromState(state: Partial<PostPortState>): PostPort {
    const port = new PostPort();
    port.lastCode = (state.lastCode ?? 0) & 0xff;
    return port;
  }

  /** A JSON-able copy of the port. */
  saveState(): PostPortState {
    return { lastCode: this.lastCode };
  }

  /** Returns the last code written. */
  read(offset: number, size: AccessSize): number {
    if (offset !== 0 || size !== 1) {
      this.stats.missedReads++;
      return 0xff;
    }
    return this.lastCode;
  }

  /** Records a POST code (the low byte of any width). */
  write(offset: number, _size: AccessSize, value: number): void {
    if (offset !== 0) {
      this.stats.missedWrites++;
      return;
    }
    this.lastCode = value & 0xff;
  }
}
