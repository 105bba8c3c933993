/**
 * End to end: every guest with a recorded reference prints exactly what it printed under
 * qemu-system-i386 and exits with the same status, under each engine.
 */

import assert from "node:assert/strict";
import { listGuestImages } from "./_images.ts";
import { exitStatus, runGuest } from "./_run_guest.ts";

const decoder = new TextDecoder();
const guests = listGuestImages().filter((g) => g.expected !== undefined);
/** Each engine, and the JIT compiling every block on first sight as well as after warming up. */
const ENGINES = [
  { label: "the interpreter", engine: "interp" },
  { label: "the JIT", engine: "jit" },
  { label: "the JIT with threshold 0", engine: "jit", jitThreshold: 0 },
] as const;

for (const { label, engine, ...rest } of ENGINES) {
  for (const guest of guests) {
    Deno.test(`guest ${guest.image} prints its QEMU output and status under ${label}`, async () => {
      const cmdline = [guest.image, guest.append ?? ""].join(" ").trim();
      const jitThreshold = "jitThreshold" in rest ? rest.jitThreshold : undefined;
      const run = await runGuest(guest.image, { engine, cmdline, jitThreshold });
      assert.equal(decoder.decode(run.output), decoder.decode(guest.expected!));
      assert.equal(exitStatus(run.exit), guest.status ?? 0, `exit was ${JSON.stringify(run.exit)}`);
    });
  }
}
