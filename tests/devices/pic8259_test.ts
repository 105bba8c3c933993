import assert from "node:assert/strict";
import { Pic8259 } from "../../src/devices/pic8259.ts";

/** A single 8259A (ICW1.SNGL) with vectors at `base`. */
function single(base: number, icw1 = 0x13, icw4 = 0x01): Pic8259 {
  const pic = new Pic8259();
  pic.write(0, 1, icw1);
  pic.write(1, 1, base);
  if (icw1 & 1) pic.write(1, 1, icw4);
  return pic;
}

Deno.test("Pic8259 in single mode skips ICW3 and takes the vector base from ICW2 bits 7-3", () => {
  const pic = single(0x47); // low three bits are ignored
  assert.equal(pic.vectorBase, 0x40);
  pic.write(1, 1, 0xfb); // first byte after ICW4 is OCW1
  assert.equal(pic.read(1, 1), 0xfb);
});

Deno.test("Pic8259 without IC4 clears the ICW4 functions and is operational after ICW2", () => {
  const pic = single(0x08, 0x12); // SNGL, no ICW4
  pic.write(1, 1, 0xaa);
  assert.equal(pic.imr, 0xaa);
  pic.setLine(0, true);
  assert.equal(pic.acknowledgeLevel(), 0);
  assert.equal(pic.isr, 1, "no auto-EOI");
});

Deno.test("Pic8259 with ICW1.LTIM treats every input as level triggered", () => {
  const pic = single(0x08, 0x1b); // LTIM, SNGL, IC4
  pic.setLine(6, true);
  assert.equal(pic.acknowledgeLevel(), 6);
  assert.equal(pic.irr & 0x40, 0x40, "the request stays while the line is high");
  pic.write(0, 1, 0x20);
  assert.equal(pic.intOutput(), true);
  pic.setLine(6, false);
  assert.equal(pic.intOutput(), false);
});

Deno.test("Pic8259 withdraws an edge request whose line falls before INTA", () => {
  const pic = single(0x08);
  pic.setLine(4, true);
  pic.setLine(4, false);
  assert.equal(pic.intOutput(), false);
  assert.equal(pic.acknowledgeLevel(), -1);
});

Deno.test("Pic8259 rotate in auto-EOI mode makes the served level lowest", () => {
  const pic = single(0x08, 0x13, 0x03);
  pic.write(0, 1, 0x80); // set rotate in auto-EOI
  for (const n of [2, 5]) pic.setLine(n, true);
  assert.equal(pic.acknowledgeLevel(), 2);
  pic.setLine(2, false);
  pic.setLine(2, true);
  assert.equal(pic.acknowledgeLevel(), 5, "IRQ2 is now lowest priority");
  pic.write(0, 1, 0x00); // clear rotate in auto-EOI
});

Deno.test("Pic8259 continues identically after a snapshot round trip", () => {
  const a = single(0x30);
  a.setLine(3, true);
  a.acknowledgeLevel();
  a.setLine(1, true);
  a.write(0, 1, 0x0b);
  const b = Pic8259.fromState(JSON.parse(JSON.stringify(a.saveState())));
  for (const pic of [a, b]) pic.write(0, 1, 0x63);
  assert.deepEqual([b.read(0, 1), b.acknowledgeLevel()], [a.read(0, 1), a.acknowledgeLevel()]);
  assert.deepEqual(b.saveState(), a.saveState());
});
