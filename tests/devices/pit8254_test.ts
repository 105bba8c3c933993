import assert from "node:assert/strict";
import { Pit8254, PIT_HZ } from "../../src/devices/pit8254.ts";
import { FakeClock, RecordingIrq } from "./_fakes.ts";

/** The first nanosecond at which `ticks` input clocks have elapsed. */
function ns(ticks: number): number {
  return Math.ceil((ticks * 1e9) / PIT_HZ);
}

function setup() {
  const clock = new FakeClock();
  const irq = new RecordingIrq();
  const pit = new Pit8254({ irq, clock });
  return { clock, irq, pit };
}

function readLoHi(pit: Pit8254, ch: number): number {
  const lo = pit.read(ch, 1);
  return lo | (pit.read(ch, 1) << 8);
}

Deno.test("Pit8254 mode 2 raises IRQ0 once per period of N input clocks", () => {
  const { clock, irq, pit } = setup();
  pit.write(3, 1, 0x34); // ch0, lobyte/hibyte, mode 2, binary
  pit.write(0, 1, 1193 & 0xff);
  pit.write(0, 1, 1193 >> 8);
  assert.equal(irq.level, true, "OUT is high after the count is written");
  const first = pit.nextDeadline();
  assert.equal(first, ns(1193));
  clock.t = first - 1;
  pit.poll(clock.t);
  assert.equal(irq.rises, 1, "only the initial rise so far");
  clock.t = first;
  pit.poll(clock.t);
  assert.equal(irq.rises, 2);
  assert.equal(pit.nextDeadline(), ns(2 * 1193));
});

Deno.test("Pit8254 coalesces many elapsed periods into one IRQ0 edge per poll", () => {
  const { clock, irq, pit } = setup();
  pit.write(3, 1, 0x34);
  pit.write(0, 1, 2); // count 2: ~600 kHz
  pit.write(0, 1, 0);
  const before = irq.rises;
  clock.t = 1e9;
  pit.poll(clock.t);
  assert.equal(irq.rises - before, 1);
  assert.ok(pit.nextDeadline() > clock.t);
});

Deno.test("Pit8254 mode 2 counts N down to 1 and reloads", () => {
  const { clock, pit } = setup();
  pit.write(3, 1, 0x34);
  pit.write(0, 1, 100);
  pit.write(0, 1, 0);
  const cases: Array<[number, number]> = [[0, 100], [1, 99], [99, 1], [100, 100], [250, 50]];
  for (const [ticks, count] of cases) {
    clock.t = ns(ticks);
    assert.equal(readLoHi(pit, 0), count, `after ${ticks} ticks`);
  }
  clock.t = ns(99);
  assert.equal(pit.output(0), false, "OUT is low while the count is 1");
  clock.t = ns(100);
  assert.equal(pit.output(0), true);
});

Deno.test("Pit8254 counter latch freezes the value until both bytes are read", () => {
  const { clock, pit } = setup();
  pit.write(3, 1, 0x34);
  pit.write(0, 1, 0x00);
  pit.write(0, 1, 0x10); // 4096
  clock.t = ns(96);
  pit.write(3, 1, 0x00); // latch channel 0
  clock.t = ns(500);
  pit.write(3, 1, 0x00); // a second latch before reading is ignored
  assert.equal(readLoHi(pit, 0), 4000);
  assert.equal(readLoHi(pit, 0), 4096 - 500, "latch released after the high byte");
});

Deno.test("Pit8254 lobyte-only and hibyte-only access modes", () => {
  const { clock, pit } = setup();
  pit.write(3, 1, 0x54); // ch1, lobyte only, mode 2
  pit.write(1, 1, 0x80);
  clock.t = ns(0x10);
  assert.equal(pit.read(1, 1), 0x70);
  assert.equal(pit.read(1, 1), 0x70, "every read is the low byte");
  pit.write(3, 1, 0x64); // ch1, hibyte only, mode 2
  pit.write(1, 1, 0x02); // count 0x0200
  clock.t += ns(0x100);
  assert.equal(pit.read(1, 1), 0x01);
});

Deno.test("Pit8254 mode 0 on channel 2 raises OUT at terminal count (Linux PIT calibration)", () => {
  const { clock, pit } = setup();
  pit.setGate(2, true);
  pit.write(3, 1, 0xb0); // ch2, lobyte/hibyte, mode 0, binary
  pit.write(2, 1, 0xff);
  pit.write(2, 1, 0xff);
  assert.equal(pit.output(2), false);
  clock.t = ns(0xfffe);
  assert.equal(pit.output(2), false);
  assert.equal(readLoHi(pit, 2), 1);
  clock.t = ns(0xffff);
  assert.equal(pit.output(2), true);
  clock.t = ns(0xffff + 5);
  assert.equal(readLoHi(pit, 2), 0xfffb, "the counter wraps and keeps counting");
  assert.equal(pit.output(2), true, "OUT stays high");
});

Deno.test("Pit8254 mode 0 counts only while the gate is high", () => {
  const { clock, pit } = setup();
  pit.write(3, 1, 0xb0);
  pit.write(2, 1, 100);
  pit.write(2, 1, 0);
  clock.t = ns(50);
  assert.equal(readLoHi(pit, 2), 100, "gate 2 is low at power-on");
  pit.setGate(2, true);
  clock.t = ns(80);
  assert.equal(readLoHi(pit, 2), 70);
  pit.setGate(2, false);
  clock.t = ns(500);
  assert.equal(readLoHi(pit, 2), 70);
});

Deno.test("Pit8254 mode 3 drives a square wave: high for N/2, low for N/2", () => {
  const { clock, irq, pit } = setup();
  pit.write(3, 1, 0x36); // ch0, lobyte/hibyte, mode 3
  pit.write(0, 1, 100);
  pit.write(0, 1, 0);
  const cases: Array<[number, boolean, number]> = [
    [0, true, 100],
    [10, true, 80],
    [49, true, 2],
    [50, false, 100],
    [99, false, 2],
    [100, true, 100],
  ];
  for (const [ticks, out, count] of cases) {
    clock.t = ns(ticks);
    assert.equal(pit.output(0), out, `OUT after ${ticks}`);
    assert.equal(readLoHi(pit, 0), count, `count after ${ticks}`);
  }
  pit.poll(ns(100));
  assert.equal(irq.rises, 2);
});

Deno.test("Pit8254 mode 4 strobes OUT low for one clock at terminal count", () => {
  const { clock, irq, pit } = setup();
  pit.write(3, 1, 0x38); // ch0, lobyte/hibyte, mode 4
  pit.write(0, 1, 10);
  pit.write(0, 1, 0);
  for (const [ticks, out] of [[9, true], [10, false], [11, true]] as const) {
    clock.t = ns(ticks);
    assert.equal(pit.output(0), out, `after ${ticks}`);
  }
  assert.equal(pit.nextDeadline(), ns(11));
  pit.poll(ns(11));
  const rises = irq.rises;
  pit.poll(ns(1000));
  assert.equal(irq.rises, rises, "one shot: no further edges");
  assert.equal(pit.nextDeadline(), Infinity);
});

Deno.test("Pit8254 mode 1 starts on a rising gate and holds OUT low for N clocks", () => {
  const { clock, pit } = setup();
  pit.write(3, 1, 0xb2); // ch2, lobyte/hibyte, mode 1
  pit.write(2, 1, 20);
  pit.write(2, 1, 0);
  clock.t = ns(100);
  assert.equal(pit.output(2), true, "waits for a trigger");
  pit.setGate(2, true);
  clock.t = ns(110);
  assert.equal(pit.output(2), false);
  assert.equal(readLoHi(pit, 2), 10);
  clock.t = ns(120);
  assert.equal(pit.output(2), true);
});

Deno.test("Pit8254 read-back latches status and count for the selected channels", () => {
  const { clock, pit } = setup();
  pit.write(3, 1, 0x34);
  pit.write(0, 1, 0x00);
  pit.write(0, 1, 0x01); // 256
  clock.t = ns(6);
  pit.write(3, 1, 0xc2); // read-back: count and status of channel 0
  clock.t = ns(60);
  // Status: OUT=1, null count=0, access 11, mode 010, binary.
  assert.equal(pit.read(0, 1), 0xb4);
  assert.equal(readLoHi(pit, 0), 250);
  pit.write(3, 1, 0xe2); // status only
  assert.equal(pit.read(0, 1), 0xb4);
  assert.equal(readLoHi(pit, 0), 196);
});

Deno.test("Pit8254 read-back reports null count before the counter is running", () => {
  const { pit } = setup();
  pit.write(3, 1, 0xb0); // ch2, mode 0, gate low
  pit.write(2, 1, 5);
  pit.write(2, 1, 0);
  pit.write(3, 1, 0xe8); // status of channel 2
  assert.equal(pit.read(2, 1), 0x40 | 0x30);
});

Deno.test("Pit8254 counts in BCD when control bit 0 is set", () => {
  const { clock, pit } = setup();
  pit.write(3, 1, 0x35); // ch0, lobyte/hibyte, mode 2, BCD
  pit.write(0, 1, 0x00);
  pit.write(0, 1, 0x10); // 1000 decimal
  clock.t = ns(1);
  assert.equal(readLoHi(pit, 0), 0x0999);
  assert.equal(pit.nextDeadline(), ns(1000));
});

Deno.test("Pit8254 counts unsupported widths and offsets without throwing", () => {
  const { pit } = setup();
  assert.equal(pit.read(3, 1), 0xff);
  pit.read(0, 2);
  pit.write(0, 4, 0);
  pit.write(4, 1, 0);
  assert.deepEqual(pit.stats, { missedReads: 2, missedWrites: 2 });
});

Deno.test("Pit8254 continues identically after a snapshot round trip", () => {
  const a = setup();
  a.pit.write(3, 1, 0x34);
  a.pit.write(0, 1, 0x9c);
  a.pit.write(0, 1, 0x2e);
  a.pit.setGate(2, true);
  a.pit.write(3, 1, 0xb0);
  a.pit.write(2, 1, 0x34); // half a count pair pending
  a.clock.t = 123_456_789;
  a.pit.poll(a.clock.t);
  a.pit.write(3, 1, 0x00);
  const b = setup();
  b.clock.t = a.clock.t;
  const pit = Pit8254.fromState(JSON.parse(JSON.stringify(a.pit.saveState())), b);
  const trace = (p: Pit8254, clock: FakeClock, irq: RecordingIrq) => {
    const out: Array<number | boolean> = [readLoHi(p, 0), p.nextDeadline()];
    p.write(2, 1, 0x12);
    for (const t of [200e6, 300e6, 400e6]) {
      clock.t = t;
      p.poll(t);
      out.push(readLoHi(p, 0), readLoHi(p, 2), p.output(2), irq.rises);
    }
    return out;
  };
  const before = a.irq.rises;
  a.irq.rises = 0;
  assert.ok(before > 0);
  assert.deepEqual(trace(pit, b.clock, b.irq), trace(a.pit, a.clock, a.irq));
  assert.deepEqual(pit.saveState(), a.pit.saveState());
});
