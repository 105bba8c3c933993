import assert from "node:assert/strict";
import { SystemControlA } from "../../src/devices/port92.ts";

function setup() {
  const events: string[] = [];
  const deps = {
    setA20: (on: boolean) => events.push(`a20 ${on}`),
    onReset: () => events.push("reset"),
  };
  return { events, deps, port: new SystemControlA(deps) };
}

Deno.test("SystemControlA bit 1 switches A20 only when it changes", () => {
  const { events, port } = setup();
  port.write(0, 1, 0x02);
  port.write(0, 1, 0x02);
  port.write(0, 1, 0x00);
  assert.deepEqual(events, ["a20 true", "a20 false"]);
});

Deno.test("SystemControlA writing 1 to bit 0 resets and the bit reads back as 0", () => {
  const { events, port } = setup();
  port.write(0, 1, 0x03);
  assert.deepEqual(events, ["a20 true", "reset"]);
  assert.equal(port.read(0, 1), 0x02);
});

Deno.test("SystemControlA counts unsupported widths without throwing", () => {
  const { events, port } = setup();
  port.write(0, 2, 0x03);
  port.read(0, 4);
  assert.deepEqual(events, []);
  assert.deepEqual(port.stats, { missedReads: 1, missedWrites: 1 });
});

Deno.test("SystemControlA continues identically after a snapshot round trip", () => {
  const a = setup();
  a.port.write(0, 1, 0x02);
  const b = setup();
  const port = SystemControlA.fromState(JSON.parse(JSON.stringify(a.port.saveState())), b.deps);
  assert.deepEqual(b.events, [], "restoring calls no effects");
  port.write(0, 1, 0x02);
  a.port.write(0, 1, 0x02);
  assert.deepEqual(b.events, [], "A20 already on after restore");
  port.write(0, 1, 0x00);
  assert.deepEqual(b.events, ["a20 false"]);
  assert.equal(port.read(0, 1), 0);
});
