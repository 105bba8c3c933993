import assert from "node:assert/strict";
import { CR0_PG, CR0_WP } from "../../src/cpu/cpu.ts";
import { CR4_PGE, CR4_PSE } from "../../src/cpu/mmu.ts";
import { OFF_CR0, OFF_CR3, OFF_CR4 } from "../../src/cpu/state.ts";
import { loadBinaryen } from "../../jit/binaryen_load.ts";
import { buildWalker, type SlowAccess } from "../../jit/page_walk.ts";
import { flatCpu } from "../cpu/_harness.ts";

const PD = 0x10000, PT = 0x11000;
/** A frame past the end of the 4 MiB of RAM: the walk must leave it to JS (MMIO). */
const PAST_RAM = 0x500000;
/** What a fallback read returns, so a test can tell it from memory. */
const FELL_BACK = 0x5eed;

/** A page-table entry's flag bits: P, R/W, U/S, A, D, G and, for a directory entry, PS. */
function randomFlags(next: () => number, directory: boolean): number {
  let flags = 0;
  for (const bit of [1, 2, 4, 0x20, 0x40, 0x100]) if (next() % 3 !== 0) flags |= bit;
  if (directory && next() % 3 === 0) flags |= 0x80;
  return flags;
}

Deno.test("the wasm page walk fills the TLB and sets A/D bits exactly as Mmu.translate does, or leaves the access to it", async () => {
  const b = await loadBinaryen();
  const { cpu } = flatCpu([0xf4]);
  const mmu = cpu.mmu;
  let fallbacks = 0;
  const fallback = () => {
    fallbacks++;
    return FELL_BACK;
  };
  const js: SlowAccess = {
    rd1: fallback,
    rd2: fallback,
    rd4: fallback,
    wr1: fallback,
    wr2: fallback,
    wr4: fallback,
  };
  const walker = buildWalker(b, cpu.mem.memory, js, cpu.mem.ramSize, 0x7000);
  let x = 0x2545f491;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const sizes = [1, 2, 4] as const;
  let walked = 0, faults = 0;
  for (let n = 0; n < 4000; n++) {
    // A random mapping of one linear page, through a page table or a 4 MiB page.
    const pdi = next() % 2, pti = next() % 1024;
    const lin = ((pdi << 22) | (pti << 12) | (next() % 8 === 0 ? 0xffd : next() % 0x1000)) >>> 0;
    const pdeFlags = randomFlags(next, true);
    const big = (pdeFlags & 0x80) !== 0;
    const pde = big ? (next() % 4 === 0 ? 0x400000 : 0) | pdeFlags : PT | pdeFlags;
    const frame = next() % 8 === 0 ? PAST_RAM : 0x200000 + (next() % 256) * 0x1000;
    const pte = frame | randomFlags(next, false);
    const pdeAddr = PD + pdi * 4, pteAddr = PT + pti * 4;
    const cr4 = (next() % 2 ? CR4_PSE : 0) | (next() % 2 ? CR4_PGE : 0);
    const wp = next() % 2 === 0;
    const cpl = next() % 3 === 0 ? 3 : 0;
    const codeMarks = [frame >>> 12, PD >> 12, PT >> 12].filter(() => next() % 4 === 0);
    const write = next() % 2 === 0;
    const size = sizes[next() % 3];
    const value = next() | 0;

    /** Puts the tables and control registers in place with an empty TLB. */
    const reset = () => {
      cpu.mem.writeU32(pdeAddr, pde);
      cpu.mem.writeU32(pteAddr, pte);
      cpu.i32[OFF_CR3 >> 2] = PD;
      cpu.i32[OFF_CR4 >> 2] = cr4;
      cpu.i32[OFF_CR0 >> 2] = (cpu.i32[OFF_CR0 >> 2] & ~CR0_WP) | CR0_PG | (wp ? CR0_WP : 0);
      cpu.cpl = cpl;
      mmu.codePages.fill(0);
      for (const page of codeMarks) mmu.markCode(page);
      mmu.flushAll();
      // The bytes at the address hold their own address, so a read shows where it reached.
      const at = (frame | (lin & 0xffc)) & 0x3fffff;
      cpu.mem.writeU32(at, at ^ 0x5a5a5a5a);
      cpu.mem.writeU32(at + 4, at ^ 0x3c3c3c3c);
    };
    const tables = () => [cpu.mem.readU32(pdeAddr), cpu.mem.readU32(pteAddr)];
    const entry = () => mmu.tlb[lin >>> 12];
    const target = () => cpu.mem.read((frame | (lin & 0xfff)) & 0x3fffff, 4).join(",");
    // A write to a page of code clears its mark (the code is invalidated).
    const marks = () => codeMarks.map((page) => mmu.codePages[page]).join(",");

    reset();
    const before = fallbacks;
    const wasmValue = write
      ? walker[`wr${size}`](lin, value, 0, 0)
      : walker[`rd${size}`](lin, 0, 0);
    const wasm = {
      tables: tables(),
      entry: entry(),
      value: wasmValue,
      target: target(),
      marks: marks(),
    };
    const fellBack = fallbacks !== before;

    reset();
    let jsValue = 0, faulted = false;
    try {
      if (write) {
        if (size === 1) mmu.write8(lin, value & 0xff);
        else if (size === 2) mmu.write16(lin, value & 0xffff);
        else mmu.write32(lin, value);
      } else {
        jsValue = size === 1 ? mmu.read8(lin) : size === 2 ? mmu.read16(lin) : mmu.read32(lin);
      }
    } catch {
      faulted = true;
    }
    const ref = {
      tables: tables(),
      entry: entry(),
      value: write ? 0 : jsValue,
      target: target(),
      marks: marks(),
    };

    const what = `case ${n}: lin ${lin.toString(16)} pde ${pde.toString(16)} pte ${
      pte.toString(16)
    } cr4 ${cr4} wp ${wp} cpl ${cpl} code [${codeMarks}] ${write ? "write" : "read"}${size}`;
    if (faulted) {
      faults++;
      assert.ok(fellBack, `${what}: the walk took an access that faults`);
    }
    if (fellBack) {
      assert.equal(wasmValue, FELL_BACK, what);
      reset();
      assert.deepEqual(wasm.tables, tables(), `${what}: a walk that fell back changed the tables`);
      continue;
    }
    walked++;
    assert.deepEqual(wasm, ref, what);
  }
  // Both sides of the walk were exercised.
  assert.ok(walked > 400, `only ${walked} accesses completed in wasm`);
  assert.ok(faults > 400, `only ${faults} accesses faulted`);
});
