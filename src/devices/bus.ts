/** The I/O port bus: routes each guest port access to the device that owns the port. */

import type { AccessSize, PortDevice } from "./device.ts";

/** Number of x86 I/O ports (a 16-bit port space). */
export const PORT_COUNT = 0x10000;

/** Table entry meaning "no device owns this port". */
const NO_DEVICE = -1;

/** Mask of the low `size` bytes of a value. */
const SIZE_MASK: Record<AccessSize, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

/** One device registered on the bus, with the first port of its range. */
interface Mapping {
  dev: PortDevice;
  base: number;
  len: number;
}

/**
 * Owns the 64 Ki port space. Lookup is one read of a 65536-entry table of device indexes, so a
 * port access costs a table load plus one method call. An access is routed by its first port;
 * the device sees the offset into its own range.
 */
export class PortBus {
  #table = new Int16Array(PORT_COUNT).fill(NO_DEVICE);
  #mappings: Mapping[] = [];

  /**
   * Gives `dev` the ports `base` .. `base + len - 1`.
   * @param dev the device that will see offsets 0 .. len-1
   * @param base first port of the range
   * @param len number of ports
   * @throws {RangeError} when the range is empty, leaves the port space or overlaps a device
   */
  insert(dev: PortDevice, base: number, len: number): void {
    if (!Number.isInteger(base) || !Number.isInteger(len) || len < 1 || base < 0) {
      throw new RangeError(`Cannot insert device at port ${base} with length ${len}: bad range`);
    }
    if (base + len > PORT_COUNT) {
      throw new RangeError(
        `Cannot insert device at port 0x${base.toString(16)} with length ${len}: ` +
          `range ends past port 0xffff`,
      );
    }
    for (let p = base; p < base + len; p++) {
      if (this.#table[p] !== NO_DEVICE) {
        throw new RangeError(
          `Cannot insert device at port 0x${base.toString(16)}: ` +
            `port 0x${p.toString(16)} is already owned`,
        );
      }
    }
    const index = this.#mappings.length;
    if (index >= 0x7fff) throw new RangeError("Cannot insert device: too many devices");
    this.#mappings.push({ dev, base, len });
    this.#table.fill(index, base, base + len);
  }

  /**
   * Reads `size` bytes at `port`.
   * @returns the value masked to `size` bytes, or undefined when nobody owns the port
   */
  read(port: number, size: AccessSize): number | undefined {
    const index = this.#table[port & 0xffff];
    if (index === NO_DEVICE) return undefined;
    const m = this.#mappings[index];
    return (m.dev.read((port & 0xffff) - m.base, size) & SIZE_MASK[size]) >>> 0;
  }

  /**
   * Writes `value` (masked to `size` bytes) at `port`.
   * @returns false when nobody owns the port
   */
  write(port: number, size: AccessSize, value: number): boolean {
    const index = this.#table[port & 0xffff];
    if (index === NO_DEVICE) return false;
    const m = this.#mappings[index];
    m.dev.write((port & 0xffff) - m.base, size, (value & SIZE_MASK[size]) >>> 0);
    return true;
  }

  /** The device owning `port`, or undefined. */
  owner(port: number): PortDevice | undefined {
    const index = this.#table[port & 0xffff];
    return index === NO_DEVICE ? undefined : this.#mappings[index].dev;
  }
}
