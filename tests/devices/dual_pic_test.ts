import assert from "node:assert/strict";
import { DualPic } from "../../src/devices/dual_pic.ts";

/** Programs both chips the way a PC OS does: vectors 0x20 and 0x28, cascade on IRQ2. */
function initPc(icw4 = 0x01): DualPic {
  const pic = new DualPic();
  const [m, s] = [pic.master, pic.slave];
  m.write(0, 1, 0x11); // ICW1: edge, cascade, ICW4 follows
  m.write(1, 1, 0x20); // ICW2: vector base
  m.write(1, 1, 0x04); // ICW3: slave on IR2
  m.write(1, 1, icw4); // ICW4: 8086 mode
  s.write(0, 1, 0x11);
  s.write(1, 1, 0x28);
  s.write(1, 1, 0x02); // ICW3: slave id 2
  s.write(1, 1, icw4);
  return pic;
}

/** Raises IRQ `n` (a rising edge; the line stays high as a device's output would). */
function raise(pic: DualPic, n: number): void {
  pic.irqLine(n).set(true);
}

Deno.test("DualPic delivers an edge request as vector base + IRQ and sets its ISR bit", () => {
  const pic = initPc();
  assert.equal(pic.pending(), false);
  raise(pic, 0);
  assert.equal(pic.pending(), true);
  assert.equal(pic.acknowledge(), 0x20);
  assert.equal(pic.master.isr, 0x01);
  assert.equal(pic.master.irr, 0x00);
  assert.equal(pic.pending(), false);
});

Deno.test("DualPic blocks equal and lower priorities until a non-specific EOI", () => {
  const pic = initPc();
  raise(pic, 3);
  assert.equal(pic.acknowledge(), 0x23);
  raise(pic, 5); // lower priority than 3
  pic.irqLine(3).set(false);
  raise(pic, 3); // same level again
  assert.equal(pic.pending(), false);
  raise(pic, 1); // higher priority nests
  assert.equal(pic.pending(), true);
  assert.equal(pic.acknowledge(), 0x21);
  assert.equal(pic.master.isr, 0x0a);
  pic.master.write(0, 1, 0x20); // non-specific EOI clears the highest (IRQ1)
  assert.equal(pic.master.isr, 0x08);
  assert.equal(pic.pending(), false);
  pic.master.write(0, 1, 0x20);
  assert.equal(pic.acknowledge(), 0x23);
  pic.master.write(0, 1, 0x20);
  assert.equal(pic.acknowledge(), 0x25);
});

Deno.test("DualPic serves simultaneous requests in fixed priority order 0..7", () => {
  const pic = initPc(0x03); // auto-EOI so each acknowledge frees its level
  for (const n of [7, 4, 1, 6]) raise(pic, n);
  const order = [pic.acknowledge(), pic.acknowledge(), pic.acknowledge(), pic.acknowledge()];
  assert.deepEqual(order, [0x21, 0x24, 0x26, 0x27]);
  assert.equal(pic.master.isr, 0, "auto-EOI never sets ISR");
});

Deno.test("DualPic OCW1 masks requests and reads back through offset 1", () => {
  const pic = initPc();
  pic.master.write(1, 1, 0xfe); // only IRQ0 unmasked
  raise(pic, 1);
  assert.equal(pic.pending(), false);
  assert.equal(pic.master.read(1, 1), 0xfe);
  pic.master.write(1, 1, 0xfc);
  assert.equal(pic.pending(), true);
  assert.equal(pic.acknowledge(), 0x21);
});

Deno.test("DualPic OCW3 selects IRR or ISR for offset-0 reads", () => {
  const pic = initPc();
  raise(pic, 4);
  raise(pic, 6);
  pic.acknowledge();
  pic.master.write(0, 1, 0x0a); // read IRR
  assert.equal(pic.master.read(0, 1), 0x40);
  pic.master.write(0, 1, 0x0b); // read ISR
  assert.equal(pic.master.read(0, 1), 0x10);
  assert.equal(pic.master.read(0, 1), 0x10, "the selection persists");
});

Deno.test("DualPic routes slave IRQs through master IRQ2 and needs an EOI to each chip", () => {
  const pic = initPc();
  raise(pic, 12);
  assert.equal(pic.pending(), true);
  assert.equal(pic.acknowledge(), 0x2c);
  assert.equal(pic.master.isr, 0x04);
  assert.equal(pic.slave.isr, 0x10);
  raise(pic, 9); // higher on the slave, but the master has IR2 in service
  assert.equal(pic.pending(), false);
  pic.slave.write(0, 1, 0x20);
  pic.master.write(0, 1, 0x20);
  assert.equal(pic.pending(), true);
  assert.equal(pic.acknowledge(), 0x29);
});

Deno.test("DualPic reports IRQ7 as spurious when a request vanishes before INTA", () => {
  const pic = initPc();
  pic.elcr.write(0, 1, 0x20); // IRQ5 level triggered
  pic.irqLine(5).set(true);
  assert.equal(pic.pending(), true);
  pic.irqLine(5).set(false);
  assert.equal(pic.acknowledge(), 0x27);
  assert.equal(pic.master.isr, 0, "spurious IRQ7 sets no ISR bit");
});

Deno.test("DualPic reports IRQ15 as spurious when a slave request vanishes before INTA", () => {
  const pic = initPc();
  pic.elcr.write(1, 1, 0x08); // IRQ11 level triggered
  pic.irqLine(11).set(true);
  pic.irqLine(11).set(false);
  assert.equal(pic.acknowledge(), 0x2f);
  assert.equal(pic.slave.isr, 0, "the slave sets no ISR bit");
  assert.equal(pic.master.isr, 0x04, "the master still needs its EOI for IR2");
});

Deno.test("DualPic level inputs request again after EOI while the line stays high", () => {
  const pic = initPc();
  pic.elcr.write(1, 1, 0x02); // IRQ9 level
  pic.irqLine(9).set(true);
  assert.equal(pic.acknowledge(), 0x29);
  pic.slave.write(0, 1, 0x20);
  pic.master.write(0, 1, 0x20);
  assert.equal(pic.pending(), true);
  assert.equal(pic.acknowledge(), 0x29);
});

Deno.test("DualPic edge inputs held high do not request again until a new rising edge", () => {
  const pic = initPc();
  pic.irqLine(3).set(true);
  pic.acknowledge();
  pic.master.write(0, 1, 0x20);
  assert.equal(pic.pending(), false);
  pic.irqLine(3).set(false);
  pic.irqLine(3).set(true);
  assert.equal(pic.pending(), true);
});

Deno.test("DualPic specific EOI clears exactly the named ISR bit", () => {
  const pic = initPc();
  raise(pic, 5);
  pic.acknowledge();
  raise(pic, 1); // IRQ1 nests above IRQ5
  pic.acknowledge();
  pic.master.write(0, 1, 0x65); // specific EOI for level 5
  assert.equal(pic.master.isr, 0x02);
});

Deno.test("DualPic set-priority and rotate commands change the priority order", () => {
  const pic = initPc(0x03);
  pic.master.write(0, 1, 0xc4); // IRQ4 lowest, so IRQ5 highest
  raise(pic, 1);
  raise(pic, 6);
  assert.equal(pic.acknowledge(), 0x26);
  assert.equal(pic.acknowledge(), 0x21);

  const rot = initPc();
  raise(rot, 0);
  raise(rot, 3);
  assert.equal(rot.acknowledge(), 0x20);
  rot.master.write(0, 1, 0xa0); // rotate on non-specific EOI: IRQ0 becomes lowest
  rot.irqLine(0).set(false);
  raise(rot, 0);
  assert.equal(rot.acknowledge(), 0x23);
});

Deno.test("DualPic poll command returns 0x80 | level and acknowledges it", () => {
  const pic = initPc();
  pic.master.write(0, 1, 0x0c); // OCW3 poll
  assert.equal(pic.master.read(0, 1), 0x00, "nothing pending");
  raise(pic, 6);
  pic.master.write(0, 1, 0x0c);
  assert.equal(pic.master.read(0, 1), 0x86);
  assert.equal(pic.master.isr, 0x40);
});

Deno.test("DualPic special mask mode lets lower levels through while one is in service", () => {
  const pic = initPc();
  raise(pic, 3);
  pic.acknowledge();
  pic.master.write(1, 1, 0x08); // mask the level in service
  raise(pic, 5);
  assert.equal(pic.pending(), false, "normal mask mode still blocks lower priorities");
  pic.master.write(0, 1, 0x68); // set special mask mode
  assert.equal(pic.pending(), true);
  assert.equal(pic.acknowledge(), 0x25);
  pic.master.write(0, 1, 0x48); // reset special mask mode
  pic.master.write(0, 1, 0x65);
  assert.equal(pic.master.isr, 0x08);
});

Deno.test("DualPic ICW1 clears the mask and ISR and restarts the sequence", () => {
  const pic = initPc();
  pic.master.write(1, 1, 0xff);
  pic.master.write(0, 1, 0x13); // ICW1: single, ICW4 follows
  assert.equal(pic.master.read(1, 1), 0);
  pic.master.write(1, 1, 0x40); // ICW2
  pic.master.write(1, 1, 0x01); // ICW4 (no ICW3 in single mode)
  pic.master.write(1, 1, 0xf7); // now OCW1
  assert.equal(pic.master.read(1, 1), 0xf7);
  raise(pic, 3);
  assert.equal(pic.acknowledge(), 0x43);
});

Deno.test("DualPic ELCR keeps IRQ 0, 1, 2, 8 and 13 edge triggered", () => {
  const pic = initPc();
  pic.elcr.write(0, 1, 0xff);
  pic.elcr.write(1, 1, 0xff);
  assert.equal(pic.elcr.read(0, 1), 0xf8);
  assert.equal(pic.elcr.read(1, 1), 0xde);
  assert.equal(pic.elcr.read(0, 2), 0xdef8);
});

Deno.test("DualPic counts unsupported widths and never throws on them", () => {
  const pic = initPc();
  assert.equal(pic.master.read(0, 4), 0xff);
  pic.slave.write(1, 2, 0);
  pic.elcr.read(1, 2);
  assert.equal(pic.master.stats.missedReads, 1);
  assert.equal(pic.slave.stats.missedWrites, 1);
  assert.equal(pic.elcr.stats.missedReads, 1);
});

Deno.test("DualPic.irqLine() rejects numbers outside 0-15", () => {
  const pic = new DualPic();
  for (const n of [-1, 16, 2.5]) assert.throws(() => pic.irqLine(n), RangeError);
});

Deno.test("DualPic.ports() places master, slave and ELCR at the PC addresses", () => {
  const pic = new DualPic();
  assert.deepEqual(pic.ports().map((p) => [p.base, p.len]), [[0x20, 2], [0xa0, 2], [0x4d0, 2]]);
});

Deno.test("DualPic continues identically after a snapshot round trip", () => {
  const run = (pic: DualPic) => {
    const out: number[] = [];
    raise(pic, 1);
    out.push(pic.acknowledge());
    pic.slave.write(0, 1, 0x20);
    pic.master.write(0, 1, 0x20);
    out.push(pic.acknowledge(), pic.master.isr, pic.slave.isr, pic.master.read(1, 1));
    return out;
  };
  const a = initPc();
  a.master.write(1, 1, 0x10);
  a.elcr.write(1, 1, 0x80);
  raise(a, 14);
  a.irqLine(15).set(true);
  a.acknowledge();
  const b = DualPic.fromState(JSON.parse(JSON.stringify(a.saveState())));
  assert.deepEqual(b.saveState(), a.saveState());
  assert.deepEqual(run(b), run(a));
  assert.deepEqual(new DualPic().saveState(), DualPic.fromState({}).saveState());
});
