import assert from "node:assert/strict";
import { createVm, restoreVm, snapshotVm, type Vm } from "../../src/mod.ts";

const IMAGE = "guests/build/hello-c.elf";

async function runToEnd(vm: Vm): Promise<void> {
  for (;;) {
    const exit = await vm.run();
    if (exit.kind !== "io" && exit.kind !== "mmio" && exit.kind !== "budget") return;
    if (exit.kind === "budget") return;
  }
}

Deno.test("a VM restored from a mid-run snapshot prints the rest of the output, as the original does", async () => {
  const image = await Deno.readFile(IMAGE);
  let whole = "";
  const reference = await createVm(image, {
    deterministic: true,
    cmdline: IMAGE,
    serialOutput: (b) => whole += new TextDecoder().decode(b),
  });
  await runToEnd(reference);

  let before = "";
  const vm = await createVm(image, {
    deterministic: true,
    cmdline: IMAGE,
    maxInstructions: reference.stats.instructions / 2,
    serialOutput: (b) => before += new TextDecoder().decode(b),
  });
  await runToEnd(vm);
  const snapshot = snapshotVm(vm);
  let after = "";
  const copy = await restoreVm(snapshot, {
    serialOutput: (b) => after += new TextDecoder().decode(b),
  });
  const exit = await copy.run();
  assert.equal(exit.kind, "shutdown");
  assert.ok(before.length > 0 && after.length > 0, "the snapshot falls inside the output");
  assert.equal(before + after, whole);
  assert.equal(copy.stats.instructions, reference.stats.instructions);
});
