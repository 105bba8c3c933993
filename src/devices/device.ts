/** The interfaces every emulated device is written against: port access, interrupt lines, time. */

/** Width in bytes of one port access. */
export type AccessSize = 1 | 2 | 4;

/**
 * A device that owns a range of I/O ports. It sees offsets into its own range, never absolute
 * port numbers, and never throws on a guest access: unknown offsets count as missed.
 */
export interface PortDevice {
  /** Returns the value read at `offset` (masked to `size` bytes by the caller). */
  read(offset: number, size: AccessSize): number;
  /** Handles a guest write of `value` (already masked to `size` bytes) at `offset`. */
  write(offset: number, size: AccessSize, value: number): void;
}

/** One interrupt request line into an interrupt controller. */
export interface IrqLine {
  /** Drives the line to `level` (true = asserted). Edge-triggered inputs latch on a rising edge. */
  set(level: boolean): void;
}

/** The time source every device reads; host time or instruction-count time (DESIGN.md §6). */
export interface Clock {
  /** Current time in nanoseconds since the VM was created. */
  now(): number;
}

/** A device whose state changes with time; the run loop calls `poll` between instruction runs. */
export interface TimedDevice {
  /** Brings the device up to `now` (ns), raising interrupts that fell due. */
  poll(now: number): void;
  /** Earliest time (ns) at which the device next needs `poll`, or Infinity if none. */
  nextDeadline(): number;
}

/** Counters of guest accesses a device did not understand. */
export interface DeviceStats {
  /** Reads at offsets or widths the device does not implement. */
  missedReads: number;
  /** Writes at offsets or widths the device does not implement. */
  missedWrites: number;
}
