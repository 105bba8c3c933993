import assert from "node:assert/strict";
import { I8042, OUTPUT_QUEUE_SIZE } from "../../src/devices/i8042.ts";
import { RecordingIrq } from "./_fakes.ts";

function setup() {
  const events: string[] = [];
  const irq = new RecordingIrq();
  const auxIrq = new RecordingIrq();
  const deps = {
    irq,
    auxIrq,
    setA20: (on: boolean) => events.push(`a20 ${on}`),
    onReset: () => events.push("reset"),
  };
  return { events, irq, auxIrq, deps, kbc: new I8042(deps) };
}

/** Reads every byte waiting in the output buffer. */
function drain(kbc: I8042): number[] {
  const out: number[] = [];
  while (kbc.command.read(0, 1) & 0x01) out.push(kbc.data.read(0, 1));
  return out;
}

Deno.test("I8042 status shows an empty buffer, unlocked keyboard and the command/data flag", () => {
  const { kbc } = setup();
  assert.equal(kbc.command.read(0, 1) & 0x19, 0x10);
  kbc.command.write(0, 1, 0xad);
  assert.equal(kbc.command.read(0, 1) & 0x08, 0x08, "last write went to 0x64");
  kbc.data.write(0, 1, 0xf4);
  assert.equal(kbc.command.read(0, 1) & 0x08, 0, "last write went to 0x60");
});

Deno.test("I8042 answers controller self-test with 0x55 and sets the system flag", () => {
  const { kbc } = setup();
  kbc.command.write(0, 1, 0xaa);
  assert.equal(kbc.command.read(0, 1) & 0x05, 0x05);
  assert.deepEqual(drain(kbc), [0x55]);
  kbc.command.write(0, 1, 0xab);
  assert.deepEqual(drain(kbc), [0x00], "keyboard interface test passes");
});

Deno.test("I8042 reads and writes the command byte with 0x20 and 0x60", () => {
  const { kbc } = setup();
  kbc.command.write(0, 1, 0x20);
  assert.deepEqual(drain(kbc), [0x45]);
  kbc.command.write(0, 1, 0x60);
  kbc.data.write(0, 1, 0x74);
  kbc.command.write(0, 1, 0x20);
  assert.deepEqual(drain(kbc), [0x74]);
});

Deno.test("I8042 0xAD and 0xAE disable and enable the keyboard clock", () => {
  const { kbc } = setup();
  kbc.command.write(0, 1, 0xad);
  assert.equal(kbc.pressKeys(Uint8Array.of(0x1e)), 0);
  kbc.command.write(0, 1, 0x20);
  assert.deepEqual(drain(kbc), [0x55]);
  kbc.command.write(0, 1, 0xae);
  assert.equal(kbc.pressKeys(Uint8Array.of(0x1e, 0x9e)), 2);
  assert.deepEqual(drain(kbc), [0x1e, 0x9e]);
});

Deno.test("I8042 output port writes drive A20 and reset", () => {
  const { events, kbc } = setup();
  kbc.command.write(0, 1, 0xd0);
  assert.deepEqual(drain(kbc), [0x03], "not in reset, A20 on");
  kbc.command.write(0, 1, 0xd1);
  kbc.data.write(0, 1, 0x01); // A20 off
  assert.equal(kbc.a20, false);
  kbc.command.write(0, 1, 0xd1);
  kbc.data.write(0, 1, 0x02); // A20 on, bit 0 = 0: reset
  assert.deepEqual(events, ["a20 false", "a20 true", "reset"]);
});

Deno.test("I8042 0xDD/0xDF switch A20 and 0xFE pulses reset", () => {
  const { events, kbc } = setup();
  kbc.command.write(0, 1, 0xdd);
  kbc.command.write(0, 1, 0xdf);
  kbc.command.write(0, 1, 0xdf);
  kbc.command.write(0, 1, 0xfe);
  kbc.command.write(0, 1, 0xff); // pulses nothing
  assert.deepEqual(events, ["a20 false", "a20 true", "reset"]);
});

Deno.test("I8042 keyboard commands get the PS/2 replies", () => {
  const cases: Array<[number[], number[]]> = [
    [[0xff], [0xfa, 0xaa]], // reset
    [[0xf4], [0xfa]], // enable
    [[0xf5], [0xfa]], // disable
    [[0xf2], [0xfa, 0xab, 0x83]], // identify
    [[0xed, 0x07], [0xfa, 0xfa]], // LEDs + parameter
    [[0xf0, 0x00], [0xfa, 0xfa, 0x02]], // get scan code set
    [[0xee], [0xee]], // echo
    [[0xe8], [0xfa]], // anything else
  ];
  for (const [cmds, reply] of cases) {
    const { kbc } = setup();
    for (const c of cmds) kbc.data.write(0, 1, c);
    assert.deepEqual(drain(kbc), reply, `command ${cmds}`);
  }
});

Deno.test("I8042 raises IRQ1 per byte while the command byte enables it", () => {
  const { irq, kbc } = setup();
  kbc.data.write(0, 1, 0xff);
  assert.equal(irq.level, true);
  kbc.data.read(0, 1);
  assert.equal(irq.level, true, "the second byte is waiting");
  assert.equal(irq.rises, 2, "and arrived as a new edge");
  kbc.data.read(0, 1);
  assert.equal(irq.level, false);
  kbc.command.write(0, 1, 0x60);
  kbc.data.write(0, 1, 0x44); // IRQ1 off
  kbc.pressKeys(Uint8Array.of(0x10));
  assert.equal(irq.level, false);
});

Deno.test("I8042 0xD3 queues auxiliary data with AUXB and IRQ12", () => {
  const { auxIrq, kbc } = setup();
  kbc.command.write(0, 1, 0x60);
  kbc.data.write(0, 1, 0x47);
  kbc.command.write(0, 1, 0xd3);
  kbc.data.write(0, 1, 0x5a);
  assert.equal(kbc.command.read(0, 1) & 0x21, 0x21);
  assert.equal(auxIrq.level, true);
  assert.equal(kbc.data.read(0, 1), 0x5a);
  assert.equal(auxIrq.level, false);
});

Deno.test("I8042 bounds its output buffer and drops replies beyond it", () => {
  const { kbc } = setup();
  for (let i = 0; i < 100; i++) kbc.data.write(0, 1, 0xf2);
  assert.equal(drain(kbc).length, OUTPUT_QUEUE_SIZE);
  assert.equal(kbc.pressKeys(new Uint8Array(100)), OUTPUT_QUEUE_SIZE);
});

Deno.test("I8042 counts unknown commands and widths without throwing", () => {
  const { kbc } = setup();
  kbc.command.write(0, 1, 0x01);
  kbc.data.read(0, 2);
  kbc.command.write(0, 4, 0xfe);
  assert.deepEqual(kbc.stats, { missedReads: 1, missedWrites: 2 });
});

Deno.test("I8042 continues identically after a snapshot round trip", () => {
  const a = setup();
  a.kbc.command.write(0, 1, 0xdd);
  a.kbc.data.write(0, 1, 0xf2);
  a.kbc.data.read(0, 1);
  a.kbc.data.write(0, 1, 0xed); // waiting for the LED parameter
  a.kbc.command.write(0, 1, 0x60); // waiting for the command byte
  const b = setup();
  const kbc = I8042.fromState(JSON.parse(JSON.stringify(a.kbc.saveState())), b.deps);
  assert.equal(b.irq.level, a.irq.level);
  const trace = (k: I8042) => {
    k.data.write(0, 1, 0x47);
    k.data.write(0, 1, 0x02);
    return [k.command.read(0, 1), ...drain(k), k.a20 ? 1 : 0];
  };
  assert.deepEqual(trace(kbc), trace(a.kbc));
  assert.deepEqual(kbc.saveState(), a.kbc.saveState());
});
