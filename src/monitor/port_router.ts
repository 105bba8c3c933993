/**
 * Port I/O dispatch for the monitor: in-monitor devices on the port bus first, then the ports
 * nobody owns, which read as all ones (an undriven ISA bus) and are reported as `io` exits.
 */

import type { AccessSize } from "../devices/device.ts";
import type { PortBus } from "../devices/bus.ts";

/** Called for an access to a port nobody owns. */
export type UnownedPortAccess = (
  port: number,
  size: AccessSize,
  direction: "in" | "out",
  value: number,
) => void;

/** Value an undriven bus returns, by access size. */
const FLOATING = [0, 0xff, 0xffff, 0, 0xffffffff];

/** Routes guest port accesses to the bus, reporting unowned ones. */
export class PortRouter {
  /** Accesses by port that nobody owned (a statistic). */
  unowned = 0;

  /**
   * @param bus the devices in the monitor
   * @param onUnowned called for each access to a port nobody owns
   */
  constructor(private bus: PortBus, private onUnowned: UnownedPortAccess) {}

  /** Reads a port. */
  portIn(port: number, size: AccessSize): number {
    const v = this.bus.read(port & 0xffff, size);
    if (v !== undefined) return v;
    this.unowned++;
    const floating = FLOATING[size];
    this.onUnowned(port & 0xffff, size, "in", floating);
    return floating;
  }

  /** Writes a port. */
  portOut(port: number, size: AccessSize, value: number): void {
    if (this.bus.write(port & 0xffff, size, value)) return;
    this.unowned++;
    this.onUnowned(port & 0xffff, size, "out", value);
  }
}
