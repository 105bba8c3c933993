import assert from "node:assert/strict";
import { DebugConsole, DebugExit, PostPort } from "../../src/devices/debug_ports.ts";
import type { AccessSize } from "../../src/devices/device.ts";

Deno.test("DebugExit calls onExit with the value of a write of any width", () => {
  const cases: Array<[AccessSize, number]> = [[1, 0x2a], [2, 0x1234], [4, 0xdeadbeef]];
  for (const [size, value] of cases) {
    const seen: number[] = [];
    new DebugExit({ onExit: (v) => seen.push(v) }).write(0, size, value);
    assert.deepEqual(seen, [value]);
  }
});

Deno.test("DebugExit counts reads as missed", () => {
  const port = new DebugExit({ onExit: () => {} });
  port.read(0, 4);
  assert.equal(port.stats.missedReads, 1);
});

Deno.test("DebugConsole prints each written byte and reads back 0xE9", () => {
  const out: number[] = [];
  const port = new DebugConsole({ output: (b) => out.push(...b) });
  for (const c of "hi\n") port.write(0, 1, c.charCodeAt(0));
  assert.equal(new TextDecoder().decode(Uint8Array.from(out)), "hi\n");
  assert.equal(port.read(0, 1), 0xe9);
  port.write(0, 2, 0x4142);
  assert.equal(out.length, 3);
  assert.equal(port.stats.missedWrites, 1);
});

Deno.test("PostPort remembers the last POST code", () => {
  const port = new PostPort();
  port.write(0, 1, 0x55);
  port.write(0, 1, 0xaa);
  assert.equal(port.lastCode, 0xaa);
  assert.equal(port.read(0, 1), 0xaa);
});

Deno.test("debug ports continue identically after a snapshot round trip", () => {
  const post = new PostPort();
  post.write(0, 1, 0x42);
  const restored = PostPort.fromState(JSON.parse(JSON.stringify(post.saveState())));
  assert.equal(restored.read(0, 1), 0x42);
  const out: number[] = [];
  const con = DebugConsole.fromState(new DebugConsole({ output: () => {} }).saveState(), {
    output: (b) => out.push(...b),
  });
  con.write(0, 1, 0x41);
  assert.deepEqual(out, [0x41]);
  const exits: number[] = [];
  DebugExit.fromState({}, { onExit: (v) => exits.push(v) }).write(0, 4, 7);
  assert.deepEqual(exits, [7]);
});
