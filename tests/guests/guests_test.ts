/**
 * End to end: every guest with a recorded reference prints exactly what it printed under
 * qemu-system-i386 and exits with the same status, under each engine.
 */

import assert from "node:assert/strict";
import { listGuestImages } from "./_images.ts";
import { exitStatus, runGuest } from "./_run_guest.ts";

const decoder = new TextDecoder();
const guests = listGuestImages().filter((g) => g.expected !== undefined);
/** Guests that need more time than a unit-test run should spend under the interpreter. */
const ENGINES = ["interp"] as const;

for (const engine of ENGINES) {
  for (const guest of guests) {
    Deno.test(`guest ${guest.image} prints its QEMU output and status under ${engine}`, async () => {
      const cmdline = [guest.image, guest.append ?? ""].join(" ").trim();
      const run = await runGuest(guest.image, { engine, cmdline });
      assert.equal(decoder.decode(run.output), decoder.decode(guest.expected!));
      assert.equal(exitStatus(run.exit), guest.status ?? 0, `exit was ${JSON.stringify(run.exit)}`);
    });
  }
}
