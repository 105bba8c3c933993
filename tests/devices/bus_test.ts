import assert from "node:assert/strict";
import { PortBus } from "../../src/devices/bus.ts";
import type { AccessSize, PortDevice } from "../../src/devices/device.ts";

class Probe implements PortDevice {
  reads: Array<[number, AccessSize]> = [];
  writes: Array<[number, AccessSize, number]> = [];
  read(offset: number, size: AccessSize): number {
    this.reads.push([offset, size]);
    return 0x12345678 + offset;
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.writes.push([offset, size, value]);
  }
}

Deno.test("PortBus routes accesses to the owner with offsets into its range", () => {
  const bus = new PortBus();
  const dev = new Probe();
  bus.insert(dev, 0x3f8, 8);
  assert.equal(bus.read(0x3fa, 1), 0x7a);
  assert.equal(bus.read(0x3f8, 2), 0x5678);
  assert.equal(bus.read(0x3f8, 4), 0x12345678);
  assert.equal(bus.write(0x3ff, 1, 0x41), true);
  assert.deepEqual(dev.reads, [[2, 1], [0, 2], [0, 4]]);
  assert.deepEqual(dev.writes, [[7, 1, 0x41]]);
  assert.equal(bus.owner(0x3fc), dev);
});

Deno.test("PortBus reports unowned ports as undefined reads and false writes", () => {
  const bus = new PortBus();
  bus.insert(new Probe(), 0x60, 1);
  assert.equal(bus.read(0x61, 1), undefined);
  assert.equal(bus.write(0x5f, 1, 0), false);
  assert.equal(bus.owner(0x61), undefined);
});

Deno.test("PortBus masks written values to the access width", () => {
  const bus = new PortBus();
  const dev = new Probe();
  bus.insert(dev, 0, 1);
  bus.write(0, 1, 0x1ff);
  bus.write(0, 2, -1);
  assert.deepEqual(dev.writes, [[0, 1, 0xff], [0, 2, 0xffff]]);
});

Deno.test("PortBus.insert() rejects overlaps and bad ranges with RangeError", () => {
  const bus = new PortBus();
  bus.insert(new Probe(), 0x20, 2);
  const cases: Array<[number, number]> = [
    [0x21, 1], // overlaps the end
    [0x1f, 2], // overlaps the start
    [0x10, 0], // empty
    [-1, 2], // negative base
    [0xffff, 2], // past the port space
    [0x40, 1.5], // not an integer
  ];
  for (const [base, len] of cases) {
    assert.throws(() => bus.insert(new Probe(), base, len), RangeError, `${base}/${len}`);
  }
  bus.insert(new Probe(), 0x22, 1); // adjacent is fine
  bus.insert(new Probe(), 0xffff, 1);
});
