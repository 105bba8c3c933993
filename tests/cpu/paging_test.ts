/**
 * 32-bit paging (SDM vol. 3 §4.3, §4.6, §4.7, §4.8, §4.10): the page walk, 4 MiB pages, U/S and
 * R/W with CR0.WP, accessed and dirty bits, #PF error codes with CR2, invlpg and CR3 flushes.
 */

import assert from "node:assert/strict";
import type { Cpu } from "../../src/cpu/cpu.ts";
import { CpuFault, PF } from "../../src/cpu/fault.ts";
import { OFF_CR0, OFF_CR2, OFF_CR3, OFF_CR4 } from "../../src/cpu/state.ts";
import { exec, load, systemCpu } from "./_system_fixture.ts";

const PD = 0x20000;
const PT = 0x21000;
const P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;

/** Identity-maps 0–4 MiB with one page table (P|RW|US), paging on, CR4 = `cr4`. */
function pagedCpu(cr4 = 0): Cpu {
  const { cpu } = systemCpu([0x90]);
  for (let n = 0; n < 1024; n++) cpu.mem.writeU32(PT + n * 4, (n << 12) | P | RW | US);
  cpu.mem.writeU32(PD, PT | P | RW | US);
  cpu.i32[OFF_CR3 >> 2] = PD;
  cpu.i32[OFF_CR4 >> 2] = cr4;
  cpu.i32[OFF_CR0 >> 2] |= 0x80000000;
  cpu.mmu.flushAll();
  return cpu;
}

function pte(cpu: Cpu, lin: number): number {
  return cpu.mem.readU32(PT + (lin >>> 12) * 4);
}
function setPte(cpu: Cpu, lin: number, v: number): void {
  cpu.mem.writeU32(PT + (lin >>> 12) * 4, v);
}

/** Runs `f` and returns the #PF error code and CR2, or null without a fault. */
function pageFault(cpu: Cpu, f: () => void): [number, number] | null {
  try {
    f();
    return null;
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    assert.equal(e.vector, PF);
    return [e.errorCode, cpu.i32[OFF_CR2 >> 2] >>> 0];
  }
}

Deno.test("a read sets A in the PDE and PTE, a write sets D", () => {
  const cpu = pagedCpu();
  const lin = 0x5000;
  assert.equal(pte(cpu, lin) & (A | D), 0);
  cpu.mmu.read32(lin);
  assert.equal(pte(cpu, lin) & (A | D), A);
  assert.equal(cpu.mem.readU32(PD) & A, A);
  cpu.mmu.write32(lin, 1);
  assert.equal(pte(cpu, lin) & (A | D), A | D);
});

Deno.test("a write through a TLB entry filled by a read still sets D", () => {
  const cpu = pagedCpu();
  cpu.mmu.read8(0x6000);
  cpu.mmu.write8(0x6000, 7);
  assert.equal(pte(cpu, 0x6000) & D, D);
});

const PF_CASES: Array<{
  name: string;
  pte: number;
  user: boolean;
  write: boolean;
  wp?: boolean;
  code: number | null;
}> = [
  { name: "supervisor read, not present", pte: 0, user: false, write: false, code: 0 },
  { name: "supervisor write, not present", pte: 0, user: false, write: true, code: 2 },
  { name: "user read, not present", pte: 0, user: true, write: false, code: 4 },
  { name: "user read, supervisor page", pte: P | RW, user: true, write: false, code: 5 },
  { name: "user write, supervisor page", pte: P | RW, user: true, write: true, code: 7 },
  { name: "user write, read-only page", pte: P | US, user: true, write: true, code: 7 },
  { name: "user read, read-only page", pte: P | US, user: true, write: false, code: null },
  { name: "supervisor write, read-only, WP=0", pte: P, user: false, write: true, code: null },
  {
    name: "supervisor write, read-only, WP=1",
    pte: P,
    user: false,
    write: true,
    wp: true,
    code: 3,
  },
];

for (const c of PF_CASES) {
  Deno.test(`#PF: ${c.name} -> ${c.code === null ? "no fault" : `error code ${c.code}`}`, () => {
    const cpu = pagedCpu();
    const lin = 0x7000;
    setPte(cpu, lin, lin | c.pte);
    if (c.wp) cpu.i32[OFF_CR0 >> 2] |= 0x10000;
    if (c.user) cpu.cpl = 3;
    const r = pageFault(cpu, () => {
      if (c.write) cpu.mmu.write32(lin + 0x10, 1);
      else cpu.mmu.read32(lin + 0x10);
    });
    assert.deepEqual(r, c.code === null ? null : [c.code, lin + 0x10]);
  });
}

Deno.test("an access crossing into a not-present page reports that page's first byte in CR2", () => {
  const cpu = pagedCpu();
  setPte(cpu, 0x9000, 0);
  assert.deepEqual(pageFault(cpu, () => cpu.mmu.read32(0x8ffe)), [0, 0x9000]);
  assert.deepEqual(pageFault(cpu, () => cpu.mmu.write32(0x8ffd, 1)), [2, 0x9000]);
});

Deno.test("a PDE with PS maps 4 MiB only when CR4.PSE is set", () => {
  const cpu = pagedCpu(0x10);
  cpu.mem.writeU32(PD + 4, 0x000000 | P | RW | PS); // 4–8 MiB -> physical 0–4 MiB
  cpu.mem.writeU32(0x3000, 0xabcd);
  assert.equal(cpu.mmu.read32(0x403000), 0xabcd);
  assert.equal(cpu.mem.readU32(PD + 4) & (A | D), A);
  cpu.mmu.write32(0x403004, 1);
  assert.equal(cpu.mem.readU32(PD + 4) & D, D);
});

Deno.test("without CR4.PSE a PDE's PS bit is ignored and it points to a page table", () => {
  const cpu = pagedCpu(0);
  cpu.mem.writeU32(PD + 4, PT | P | RW | PS);
  cpu.mem.writeU32(0x3000, 0x1234);
  assert.equal(cpu.mmu.read32(0x403000), 0x1234);
});

Deno.test("invlpg drops a stale translation; the TLB keeps it until then", () => {
  // 0f 01 38: invlpg [eax]
  const cpu = pagedCpu();
  load(cpu, [0x0f, 0x01, 0x38]);
  cpu.mem.writeU32(0xa000, 0xaaaa);
  cpu.mem.writeU32(0xb000, 0xbbbb);
  assert.equal(cpu.mmu.read32(0xa000), 0xaaaa);
  setPte(cpu, 0xa000, 0xb000 | P | RW | US);
  assert.equal(cpu.mmu.read32(0xa000), 0xaaaa, "stale until invalidated");
  cpu.setReg32(0, 0xa000);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.mmu.read32(0xa000), 0xbbbb);
});

Deno.test("mov cr3 flushes non-global translations and keeps global ones under CR4.PGE", () => {
  // 0f 22 d8: mov cr3, eax
  const cpu = pagedCpu(0x80);
  load(cpu, [0x0f, 0x22, 0xd8]);
  cpu.mem.writeU32(0xa000, 1);
  cpu.mem.writeU32(0xb000, 2);
  cpu.mem.writeU32(0xc000, 3);
  setPte(cpu, 0xa000, 0xa000 | P | RW | US | G);
  cpu.mmu.read32(0xa000);
  cpu.mmu.read32(0xb000);
  setPte(cpu, 0xa000, 0xc000 | P | RW | US | G);
  setPte(cpu, 0xb000, 0xc000 | P | RW | US);
  cpu.setReg32(0, PD);
  assert.equal(exec(cpu), null);
  assert.equal(cpu.mmu.read32(0xa000), 1, "global entry survives");
  assert.equal(cpu.mmu.read32(0xb000), 3, "non-global entry re-walked");
});
