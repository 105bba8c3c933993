import assert from "node:assert/strict";
import { Pit8254, PIT_HZ } from "../../src/devices/pit8254.ts";
import { SystemControlB } from "../../src/devices/port61.ts";
import { FakeClock, RecordingIrq } from "./_fakes.ts";

function setup() {
  const clock = new FakeClock();
  const pit = new Pit8254({ irq: new RecordingIrq(), clock });
  return { clock, pit, port: new SystemControlB({ pit, clock }) };
}

const ns = (ticks: number) => Math.ceil((ticks * 1e9) / PIT_HZ);

Deno.test("SystemControlB bit 0 gates PIT channel 2 and bit 5 shows its OUT", () => {
  const { clock, pit, port } = setup();
  // Linux pit_calibrate_tsc(): gate on, speaker off, then mode 0 on channel 2.
  port.write(0, 1, (port.read(0, 1) & ~0x02) | 0x01);
  assert.equal(pit.gate(2), true);
  pit.write(3, 1, 0xb0);
  pit.write(2, 1, 0x00);
  pit.write(2, 1, 0x01); // 256 ticks
  assert.equal(port.read(0, 1) & 0x20, 0);
  clock.t = ns(256);
  assert.equal(port.read(0, 1) & 0x20, 0x20);
  port.write(0, 1, 0x00);
  assert.equal(pit.gate(2), false);
});

Deno.test("SystemControlB bit 4 toggles about every 15 microseconds", () => {
  const { clock, port } = setup();
  const seen = new Set<number>();
  let flips = 0;
  let last = port.read(0, 1) & 0x10;
  for (clock.t = 0; clock.t < 150_000; clock.t += 1000) {
    const bit = port.read(0, 1) & 0x10;
    seen.add(bit);
    if (bit !== last) flips++;
    last = bit;
  }
  assert.deepEqual([...seen].sort(), [0, 0x10]);
  assert.ok(flips >= 9 && flips <= 10, `${flips} flips in 150 µs`);
});

Deno.test("SystemControlB keeps the writable low nibble and reports the speaker", () => {
  const { port } = setup();
  port.write(0, 1, 0xff);
  assert.equal(port.read(0, 1) & 0xcf, 0x0f, "status bits 6-7 read 0, bits 0-3 as written");
  assert.equal(port.speakerOn, true);
  port.write(0, 1, 0x01);
  assert.equal(port.speakerOn, false);
});

Deno.test("SystemControlB counts unsupported widths without throwing", () => {
  const { port } = setup();
  port.read(0, 2);
  port.write(0, 4, 1);
  assert.deepEqual(port.stats, { missedReads: 1, missedWrites: 1 });
});

Deno.test("SystemControlB continues identically after a snapshot round trip", () => {
  const a = setup();
  a.port.write(0, 1, 0x03);
  const b = setup();
  const port = SystemControlB.fromState(JSON.parse(JSON.stringify(a.port.saveState())), b);
  b.pit.setGate(2, true); // the PIT restores its own gate
  for (const t of [0, 20_000, 40_000]) {
    a.clock.t = b.clock.t = t;
    assert.equal(port.read(0, 1), a.port.read(0, 1));
  }
  assert.deepEqual(port.saveState(), { control: 0x03 });
});
