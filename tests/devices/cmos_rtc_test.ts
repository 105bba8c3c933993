import assert from "node:assert/strict";
import { CmosRtc } from "../../src/devices/cmos_rtc.ts";
import { FakeClock, RecordingIrq } from "./_fakes.ts";

/** Thursday 29 February 2024, 13:45:59.000 UTC. */
const START = Date.UTC(2024, 1, 29, 13, 45, 59);
const MS = 1e6; // ns per ms

function setup(memoryBytes?: number) {
  const clock = new FakeClock();
  const irq = new RecordingIrq();
  const deps = { irq, clock, startTime: START, memoryBytes };
  return { clock, irq, deps, rtc: new CmosRtc(deps) };
}

function reg(rtc: CmosRtc, index: number): number {
  rtc.write(0, 1, index);
  return rtc.read(1, 1);
}

function setReg(rtc: CmosRtc, index: number, value: number): void {
  rtc.write(0, 1, index);
  rtc.write(1, 1, value);
}

function timeRegs(rtc: CmosRtc): number[] {
  return [0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32].map((r) => reg(rtc, r));
}

Deno.test("CmosRtc reads the start time in BCD, 24-hour mode at power-on", () => {
  const { rtc } = setup();
  // sec, min, hour, day of week (Thursday = 5), day, month, year, century
  assert.deepEqual(timeRegs(rtc), [0x59, 0x45, 0x13, 0x05, 0x29, 0x02, 0x24, 0x20]);
  assert.equal(reg(rtc, 0x0a), 0x26);
  assert.equal(reg(rtc, 0x0b), 0x02);
  assert.equal(reg(rtc, 0x0d), 0x80, "status D: valid RAM and time");
});

Deno.test("CmosRtc time advances with the VM clock", () => {
  const { clock, rtc } = setup();
  clock.t = 1500 * MS;
  assert.deepEqual(timeRegs(rtc).slice(0, 3), [0x00, 0x46, 0x13]);
  clock.t = (24 * 3600 - 59 - 45 * 60 - 13 * 3600) * 1000 * MS; // midnight, next day
  assert.deepEqual(timeRegs(rtc).slice(3, 7), [0x06, 0x01, 0x03, 0x24], "1 March, a Friday");
});

Deno.test("CmosRtc formats binary and 12-hour modes per status B bits 2 and 1", () => {
  const { rtc } = setup();
  const cases: Array<[number, number, number]> = [
    [0x02, 0x59, 0x13], // BCD, 24h
    [0x06, 59, 13], // binary, 24h
    [0x00, 0x59, 0x81], // BCD, 12h: 1 PM
    [0x04, 59, 0x81], // binary, 12h
  ];
  for (const [b, sec, hour] of cases) {
    setReg(rtc, 0x0b, b);
    assert.deepEqual([reg(rtc, 0x00), reg(rtc, 0x04)], [sec, hour], `B=${b}`);
  }
});

Deno.test("CmosRtc sets UIP for the last 244 microseconds of each second", () => {
  const { clock, rtc } = setup();
  const cases: Array<[number, number]> = [[0, 0], [500 * MS, 0], [999.7 * MS, 0], [
    999.8 * MS,
    0x80,
  ]];
  for (const [t, uip] of cases) {
    clock.t = t;
    assert.equal(reg(rtc, 0x0a) & 0x80, uip, `at ${t} ns`);
  }
  setReg(rtc, 0x0a, 0xff);
  assert.equal(reg(rtc, 0x0a) & 0x7f, 0x7f, "UIP is read-only, the rest writable");
});

Deno.test("CmosRtc holds the time while SET and runs from the written time after", () => {
  const { clock, rtc } = setup();
  setReg(rtc, 0x0b, 0x82 | 0x10); // SET (UIE is cleared by SET)
  assert.equal(reg(rtc, 0x0b), 0x82);
  const writes: Array<[number, number]> = [
    [0x00, 0x30],
    [0x02, 0x15],
    [0x04, 0x08],
    [0x07, 0x31],
    [0x08, 0x12],
    [0x09, 0x99],
    [0x32, 0x19],
  ];
  for (const [r, v] of writes) setReg(rtc, r, v);
  clock.t = 5000 * MS;
  assert.deepEqual(timeRegs(rtc), [0x30, 0x15, 0x08, 0x06, 0x31, 0x12, 0x99, 0x19]);
  setReg(rtc, 0x0b, 0x02);
  clock.t = 7000 * MS;
  assert.deepEqual(timeRegs(rtc).slice(0, 3), [0x32, 0x15, 0x08]);
});

Deno.test("CmosRtc raises IRQ8 at the periodic rate when PIE is set", () => {
  const { clock, irq, rtc } = setup();
  assert.equal(rtc.nextDeadline(), Infinity, "no interrupt enabled");
  setReg(rtc, 0x0b, 0x42); // PIE
  const first = rtc.nextDeadline();
  assert.equal(first, Math.ceil(1e9 / 1024), "rate 6 = 1024 Hz");
  rtc.poll(first - 1);
  assert.equal(irq.level, false);
  clock.t = first;
  rtc.poll(first);
  assert.equal(irq.level, true);
  assert.equal(rtc.nextDeadline(), Infinity, "nothing new until C is read");
  assert.equal(reg(rtc, 0x0c), 0xc0, "IRQF and PF");
  assert.equal(irq.level, false, "reading C clears the request");
  assert.equal(reg(rtc, 0x0c), 0x00);
  setReg(rtc, 0x0a, 0x2f); // rate 15: 2 Hz
  assert.equal(rtc.nextDeadline(), 500 * MS);
});

Deno.test("CmosRtc sets PF, UF and AF without IRQF when their enables are clear", () => {
  const { clock, irq, rtc } = setup();
  setReg(rtc, 0x01, 0xc0); // alarm: any second, any minute, any hour
  setReg(rtc, 0x03, 0xc0);
  setReg(rtc, 0x05, 0xc0);
  clock.t = 1000 * MS;
  assert.equal(reg(rtc, 0x0c), 0x70);
  assert.equal(irq.rises, 0);
});

Deno.test("CmosRtc raises the update-ended interrupt once a second when UIE is set", () => {
  const { irq, rtc } = setup();
  setReg(rtc, 0x0b, 0x12); // UIE
  const t = rtc.nextDeadline();
  assert.ok(Math.abs(t - 1000 * MS) < 1000, `${t}`);
  rtc.poll(t);
  assert.equal(irq.rises, 1);
  assert.equal(reg(rtc, 0x0c), 0xd0, "IRQF, UF and PF (PF runs without PIE)");
});

Deno.test("CmosRtc raises the alarm interrupt when hours, minutes and seconds match", () => {
  const { clock, irq, rtc } = setup();
  setReg(rtc, 0x01, 0x01); // 13:46:01
  setReg(rtc, 0x03, 0x46);
  setReg(rtc, 0x05, 0x13);
  setReg(rtc, 0x0b, 0x22); // AIE
  clock.t = 1000 * MS;
  rtc.poll(clock.t); // 13:46:00: no match
  assert.equal(irq.rises, 0);
  clock.t = 2000 * MS;
  rtc.poll(clock.t);
  assert.equal(irq.rises, 1);
  assert.equal(reg(rtc, 0x0c), 0xf0, "IRQF, AF, UF and PF");
});

Deno.test("CmosRtc stops updates and interrupts while the divider is held in reset", () => {
  const { clock, rtc } = setup();
  setReg(rtc, 0x0b, 0x52);
  setReg(rtc, 0x0a, 0x76); // divider 111: reset
  assert.equal(rtc.nextDeadline(), Infinity);
  clock.t = 3000 * MS;
  assert.equal(reg(rtc, 0x0c), 0);
});

Deno.test("CmosRtc index bit 7 masks NMI and selects among 128 RAM bytes", () => {
  const { rtc } = setup();
  rtc.write(0, 1, 0x80 | 0x40);
  assert.equal(rtc.nmiMasked, true);
  rtc.write(1, 1, 0xa5);
  rtc.write(0, 1, 0x40);
  assert.equal(rtc.nmiMasked, false);
  assert.equal(rtc.read(1, 1), 0xa5);
  setReg(rtc, 0x0c, 0xff);
  setReg(rtc, 0x0d, 0x00);
  assert.deepEqual([reg(rtc, 0x0c), reg(rtc, 0x0d)], [0, 0x80], "C and D are read-only");
});

Deno.test("CmosRtc fills the BIOS memory-size bytes from memoryBytes", () => {
  const { rtc } = setup(32 * 1024 * 1024);
  const word = (r: number) => reg(rtc, r) | (reg(rtc, r + 1) << 8);
  assert.equal(word(0x15), 640, "base memory KiB");
  assert.equal(word(0x17), 31 * 1024, "extended memory KiB");
  assert.equal(word(0x30), 31 * 1024, "copy of extended memory");
  assert.equal(word(0x34), 256, "64 KiB blocks above 16 MiB");
  const big = setup(512 * 1024 * 1024).rtc;
  big.write(0, 1, 0x17);
  assert.equal(big.read(1, 1), 0xff, "extended memory saturates at 0xFFFF");
  let sum = 0;
  for (let r = 0x10; r < 0x2e; r++) sum += reg(rtc, r);
  assert.equal((reg(rtc, 0x2e) << 8) | reg(rtc, 0x2f), sum, "checksum over 0x10-0x2D");
});

Deno.test("CmosRtc counts unsupported widths and index reads without throwing", () => {
  const { rtc } = setup();
  rtc.read(0, 1);
  rtc.read(1, 2);
  rtc.write(1, 4, 0);
  assert.deepEqual(rtc.stats, { missedReads: 2, missedWrites: 1 });
});

Deno.test("CmosRtc continues identically after a snapshot round trip", () => {
  const a = setup(64 * 1024 * 1024);
  setReg(a.rtc, 0x0b, 0x42);
  setReg(a.rtc, 0x0a, 0x2a);
  setReg(a.rtc, 0x02, 0x10); // minutes
  setReg(a.rtc, 0x50, 0x77);
  a.clock.t = 3_333 * MS;
  a.rtc.poll(a.clock.t);
  a.rtc.write(0, 1, 0x84);
  const b = setup();
  b.clock.t = a.clock.t;
  const rtc = CmosRtc.fromState(JSON.parse(JSON.stringify(a.rtc.saveState())), b.deps);
  assert.equal(rtc.nmiMasked, true);
  const trace = (r: CmosRtc, clock: FakeClock) => {
    const out = [r.nextDeadline(), ...timeRegs(r), reg(r, 0x0c), reg(r, 0x50)];
    clock.t += 10_000 * MS;
    r.poll(clock.t);
    out.push(reg(r, 0x0c), ...timeRegs(r));
    return out;
  };
  assert.deepEqual(trace(rtc, b.clock), trace(a.rtc, a.clock));
  assert.deepEqual(rtc.saveState(), a.rtc.saveState());
});
