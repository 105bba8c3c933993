/**
 * JIT expect-tests: each `*.asm` here, assembled with nasm into the committed `<name>.bin`, is
 * translated by `translateBlocks` in flat 32-bit protected mode at CPL 0, and the module's text
 * compared with the golden `<name>.wat` beside it. `deno task jit-expect` (which sets
 * JIT_EXPECT_UPDATE=1) reassembles the snippets and rewrites the goldens instead, so a change to
 * the generated code shows up as a diff under review. The tests read the committed bytes, so
 * they need no assembler; where nasm is installed (as in CI) one more test checks each `.bin`
 * still matches its source, as CI does for the guest images.
 *
 * A snippet is translated as one batch, the way the runtime compiles one: its blocks in address
 * order (each starting where the previous one ended), each with the loop it heads formed into a
 * region unless an earlier region holds it already. So a loop snippet starts at its loop head,
 * and a snippet ends with an instruction that ends a block. Code is read only from the
 * snippet's own bytes, as if its end were a page end. Each snippet must say `org 0x1000`
 * (CODE_ADDR of the CPU test harness).
 */

import assert from "node:assert/strict";
import binaryen from "binaryen";
import type { Cpu } from "../../../src/cpu/cpu.ts";
import { type BlockPlan, planBlock, PlanBoundary } from "../../../jit/plan.ts";
import { formRegion, type RegionPlan } from "../../../jit/region.ts";
import { blockModeOf } from "../../../jit/runtime.ts";
import { type BlockSource, translateBlocks } from "../../../jit/translate.ts";
import { CODE_ADDR, flatCpu } from "../../cpu/_harness.ts";

/** This folder, holding the snippets and their goldens. */
const DIR = new URL(".", import.meta.url);
/** Set to 1 by `deno task jit-expect`: write the goldens instead of comparing with them. */
const UPDATE = Deno.env.get("JIT_EXPECT_UPDATE") === "1";
/** Changed lines a mismatch shows at least (the hunk they are in is shown to its end). */
const DIFF_LINES = 12;
/** Unchanged lines shown around changes. */
const CONTEXT = 2;
/** Lines from the first difference that the diff looks at. */
const DIFF_WINDOW = 300;

/** Whether nasm can be run here. */
function haveNasm(): boolean {
  try {
    return new Deno.Command("nasm", { args: ["-v"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/** Assembles `asm` with nasm into a temporary file under /tmp and returns its bytes. */
async function assemble(asm: URL): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "jit_expect_" });
  try {
    const out = `${dir}/code.bin`;
    const nasm = new Deno.Command("nasm", {
      args: ["-f", "bin", "-o", out, decodeURIComponent(asm.pathname)],
    });
    const { success, stderr } = await nasm.output();
    if (!success) {
      throw new Error(`Cannot assemble "${asm.pathname}": ${new TextDecoder().decode(stderr)}`);
    }
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The snippet's blocks and regions as one batch, with ids and sites numbered as the runtime does. */
function batchOf(cpu: Cpu, length: number): BlockSource[] {
  const end = CODE_ADDR + length;
  const reader = {
    fetch8(eip: number): number {
      if (eip < CODE_ADDR || eip >= end) throw new PlanBoundary("snippet end");
      return cpu.mem.read(eip, 1)[0];
    },
  };
  const planAt = (eip: number): BlockPlan | null => planBlock(reader, eip, cpu.code32);
  const read32 = (addr: number): number | null =>
    addr >= CODE_ADDR && addr + 4 <= end ? cpu.mem.readU32(addr) : null;
  const mode = blockModeOf(cpu);
  const batch: BlockSource[] = [];
  const covered = new Set<number>();
  let next = 0;
  for (let eip = CODE_ADDR; eip < end;) {
    const plan = planAt(eip);
    if (plan === null) throw new Error(`Cannot plan a block at 0x${eip.toString(16)}`);
    eip = plan.eips[plan.instrs.length];
    if (covered.has(plan.entryEip)) continue;
    const region: RegionPlan | undefined = formRegion(plan, planAt, read32) ?? undefined;
    const members = region?.blocks ?? [plan];
    for (const m of members) covered.add(m.entryEip);
    const sites = members.map((_, k) => next + k);
    batch.push({ plan, mode, id: next, region, sites });
    next += members.length;
  }
  return batch;
}

/** The module text of the snippet's batch, read back from the binary the runtime would load. */
function translateText(b: typeof binaryen, bytes: Uint8Array): string {
  const { cpu } = flatCpu(bytes);
  const batch = batchOf(cpu, bytes.length);
  // The names section keeps function names ($b0, $r0, $chain…) readable in the text.
  const debugInfo = b.getDebugInfo();
  b.setDebugInfo(true);
  let binary: Uint8Array;
  try {
    // Not translateBlocks' own validation: it sets BulkMemory without BulkMemoryOpt, which
    // binaryen's validator asserts on once a block uses memory.copy or memory.fill.
    binary = translateBlocks(b, batch).binary;
  } finally {
    b.setDebugInfo(debugInfo);
  }
  // The binary has no features section: without features, memory.copy and return_call would
  // not validate. binaryen.js takes them as an optional second argument its typings omit.
  const readBinary = b.readBinary as (data: Uint8Array, features?: number) => binaryen.Module;
  const m = readBinary(binary, b.Features.All);
  try {
    assert.ok(m.validate(), "the translated module does not validate");
    return m.emitText();
  } finally {
    m.dispose();
  }
}

/**
 * The first differing lines of `want` and `got` in unified-diff style: a line diff (longest
 * common subsequence) of a window from the first difference, showing its first DIFF_LINES
 * changed lines with CONTEXT unchanged lines around each hunk.
 */
function shortDiff(want: string, got: string): string {
  const a = want.split("\n"), b = got.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  const wa = a.slice(start, start + DIFF_WINDOW), wb = b.slice(start, start + DIFF_WINDOW);
  // lcs[i][j]: length of the longest common subsequence of wa[i..] and wb[j..].
  const lcs = Array.from({ length: wa.length + 1 }, () => new Array<number>(wb.length + 1).fill(0));
  for (let i = wa.length - 1; i >= 0; i--) {
    for (let j = wb.length - 1; j >= 0; j--) {
      lcs[i][j] = wa[i] === wb[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  // The edit script as [sign, text, golden line number], deletions before insertions.
  const ops: [string, string, number][] = a.slice(Math.max(0, start - CONTEXT), start)
    .map((l, k) => [" ", l, Math.max(0, start - CONTEXT) + k + 1]);
  let i = 0, j = 0;
  while (i < wa.length || j < wb.length) {
    if (i < wa.length && j < wb.length && wa[i] === wb[j]) ops.push([" ", wa[i++], start + i]), j++;
    else if (i < wa.length && (j === wb.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push(["-", wa[i++], start + i]);
    } else ops.push(["+", wb[j++], start + i + 1]);
  }
  const allChanges = ops.flatMap(([sign], k) => (sign === " " ? [] : [k]));
  const changes = allChanges.slice(0, DIFF_LINES);
  const shown = (k: number) => changes.some((c) => Math.abs(c - k) <= CONTEXT);
  const out: string[] = [];
  ops.forEach(([sign, text, line], k) => {
    if (!shown(k)) return;
    if (k === 0 || !shown(k - 1)) out.push(`@@ golden line ${line} @@`);
    out.push(sign + text);
  });
  if (allChanges.length > changes.length) {
    out.push(`… ${allChanges.length - changes.length} more changed lines`);
  } else if (start + DIFF_WINDOW < Math.max(a.length, b.length)) {
    out.push(`… (lines past ${start + DIFF_WINDOW} not compared)`);
  }
  return out.join("\n");
}

const snippets = [...Deno.readDirSync(DIR)]
  .map((e) => e.name)
  .filter((name) => name.endsWith(".asm"))
  .sort();

for (const name of snippets) {
  const stem = name.slice(0, -".asm".length);
  Deno.test(`translateBlocks() of ${name} matches ${stem}.wat`, async () => {
    const asm = new URL(name, DIR);
    const source = await Deno.readTextFile(asm);
    assert.match(source, /^\s*org\s+0x1000\b/m, `${name} must say "org 0x1000" (CODE_ADDR)`);
    const bin = new URL(`${stem}.bin`, DIR);
    if (UPDATE) await Deno.writeFile(bin, await assemble(asm));
    const got = translateText(binaryen, await Deno.readFile(bin));
    const golden = new URL(`${stem}.wat`, DIR);
    const path = `tests/jit/expect/${stem}.wat`;
    if (UPDATE) {
      await Deno.writeTextFile(golden, got);
      return;
    }
    let want: string;
    try {
      want = await Deno.readTextFile(golden);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      throw new Error(`${path} is missing: run \`deno task jit-expect\` to create it`);
    }
    if (got !== want) {
      throw new Error(
        `${path} does not match the JIT's translation of ${name}; if the change is intended, ` +
          `run \`deno task jit-expect\` to accept it.\n${shortDiff(want, got)}`,
      );
    }
  });
}

Deno.test({
  name: "every committed .bin in tests/jit/expect is what nasm makes of its .asm",
  ignore: UPDATE || !haveNasm(),
  async fn() {
    for (const name of snippets) {
      const stem = name.slice(0, -".asm".length);
      const committed = await Deno.readFile(new URL(`${stem}.bin`, DIR));
      assert.deepEqual(
        await assemble(new URL(name, DIR)),
        committed,
        `tests/jit/expect/${stem}.bin is stale: run \`deno task jit-expect\``,
      );
    }
  },
});

Deno.test("every golden .wat and .bin in tests/jit/expect has its .asm", async () => {
  const orphans = [...Deno.readDirSync(DIR)]
    .map((e) => e.name)
    .filter((name) =>
      /\.(wat|bin)$/.test(name) && !snippets.includes(name.replace(/\.(wat|bin)$/, ".asm"))
    )
    .sort();
  if (UPDATE) {
    for (const name of orphans) await Deno.remove(new URL(name, DIR));
    return;
  }
  assert.deepEqual(orphans, [], "run `deno task jit-expect` to remove files without a snippet");
});
