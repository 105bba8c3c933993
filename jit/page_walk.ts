/**
 * The page walk in WebAssembly: the slow-path reads and writes compiled code calls on a TLB miss
 * with paging on. They walk the tables, set the accessed and dirty bits, fill the TLB and access
 * RAM without leaving wasm; anything else (a fault, MMIO or ROM, a write to translated code, a
 * page-table page holding code, an access across a page end, a supervisor write that only
 * CR0.WP=0 allows) goes to the MMU's own slow path in JS, which this mirrors (`src/cpu/mmu.ts`).
 *
 * Why: a wasm-to-JS call and a walk in JS cost several hundred host instructions, so a guest
 * that remaps pages (a kernel, `guests/bench/paging.c`) spent most of its time there, with its
 * cache misses lined up one after another.
 */

import { type Binaryen, HOST } from "./emit/context.ts";
import { MEMORY_IMPORT } from "./translate.ts";
import {
  OFF_CODE_MAP,
  OFF_CPL,
  OFF_CR0,
  OFF_CR3,
  OFF_CR4,
  OFF_TLB,
  OFF_TLB_FILLED,
  OFF_TLB_FILLED_COUNT,
  OFF_TLB_OVERFLOW,
  RAM_BASE,
  TLB_TRACKED_MAX,
} from "../src/cpu/state.ts";
import {
  CR4_PGE,
  CR4_PSE,
  PDE_PS,
  PTE_A,
  PTE_D,
  PTE_G,
  PTE_P,
  PTE_RW,
  PTE_US,
} from "../src/cpu/mmu.ts";
import { TLB_CODE, TLB_GLOBAL, TLB_USER, TLB_VALID, TLB_WRITE } from "../src/cpu/tlb.ts";

/** The host functions the walker stands in front of, with their JS signatures. */
export interface SlowAccess {
  rd1: (lin: number, site: number, done: number) => number;
  rd2: (lin: number, site: number, done: number) => number;
  rd4: (lin: number, site: number, done: number) => number;
  wr1: (lin: number, v: number, site: number, done: number) => number;
  wr2: (lin: number, v: number, site: number, done: number) => number;
  wr4: (lin: number, v: number, site: number, done: number) => number;
}

/** The walker's exports: the same six functions, plus `stopped` (see `buildWalker`). */
export type WalkerExports = SlowAccess & { stopped: () => number };

/** One signed i32 constant. */
const k = (n: number): string => `(i32.const ${n | 0})`;

/**
 * The walker's text. `$fill` returns the TLB entry it filled for the access, or 0 when the JS
 * slow path must handle it; the access functions use the entry or fall back to JS.
 */
function walkerText(ramSize: number, stopWord: number): string {
  // An access of `size` bytes stays on its page when the page offset is at most this.
  const lastOffset = (size: number) => k(0x1000 - size);
  const read = (name: string, size: number, load: string) => `
  (func $${name} (export "${name}") (param $lin i32) (param $site i32) (param $done i32)
      (result i32) (local $e i32)
    (if (i32.le_u (i32.and (local.get $lin) ${k(0xfff)}) ${lastOffset(size)}) (then
      (local.set $e (call $fill (local.get $lin) ${k(0)}))
      (if (local.get $e) (then
        (return (${load} align=1
          (i32.xor (i32.and (local.get $e) ${k(~0xfff)}) (local.get $lin))))))))
    (return_call $js_${name} (local.get $lin) (local.get $site) (local.get $done)))`;
  const write = (name: string, size: number, store: string) => `
  (func $${name} (export "${name}") (param $lin i32) (param $v i32) (param $site i32)
      (param $done i32) (result i32) (local $e i32)
    (if (i32.le_u (i32.and (local.get $lin) ${k(0xfff)}) ${lastOffset(size)}) (then
      (local.set $e (call $fill (local.get $lin) ${k(1)}))
      (if (local.get $e) (then
        (${store} align=1
          (i32.xor (i32.and (local.get $e) ${k(~0xfff)}) (local.get $lin)) (local.get $v))
        (return ${k(0)})))))
    (return_call $js_${name} (local.get $lin) (local.get $v) (local.get $site) (local.get $done)))`;
  const readSig = "(param i32 i32 i32) (result i32)";
  const writeSig = "(param i32 i32 i32 i32) (result i32)";
  return `(module
  (import "e" "${MEMORY_IMPORT}" (memory 1 65536))
  (import "h" "${HOST.read[1]}" (func $js_rd1 ${readSig}))
  (import "h" "${HOST.read[2]}" (func $js_rd2 ${readSig}))
  (import "h" "${HOST.read[4]}" (func $js_rd4 ${readSig}))
  (import "h" "${HOST.write[1]}" (func $js_wr1 ${writeSig}))
  (import "h" "${HOST.write[2]}" (func $js_wr2 ${writeSig}))
  (import "h" "${HOST.write[4]}" (func $js_wr4 ${writeSig}))

  ;; Whether a physical page holds translated code (the page is below the RAM size).
  (func $code (param $phys i32) (result i32)
    (i32.load8_u offset=${OFF_CODE_MAP} (i32.shr_u (local.get $phys) ${k(12)})))

  (func $fill (param $lin i32) (param $write i32) (result i32)
      (local $user i32) (local $cr4 i32) (local $pdeAddr i32) (local $pde i32)
      (local $leafAddr i32) (local $leaf i32) (local $rights i32) (local $phys i32)
      (local $isCode i32) (local $upd i32) (local $pdeA i32) (local $leafAD i32) (local $flags i32) (local $entry i32) (local $vpn i32) (local $n i32)
    (if (i32.ge_s (i32.load ${k(OFF_CR0)}) ${k(0)}) (then (return ${k(0)})))
    (local.set $user (i32.eq (i32.load ${k(OFF_CPL)}) ${k(3)}))
    (local.set $cr4 (i32.load ${k(OFF_CR4)}))
    (local.set $pdeAddr (i32.add (i32.and (i32.load ${k(OFF_CR3)}) ${k(~0xfff)})
      (i32.shl (i32.shr_u (local.get $lin) ${k(22)}) ${k(2)})))
    (if (i32.gt_u (local.get $pdeAddr) ${k(ramSize - 4)}) (then (return ${k(0)})))
    (local.set $pde (i32.load offset=${RAM_BASE} (local.get $pdeAddr)))
    (if (i32.eqz (i32.and (local.get $pde) ${k(PTE_P)})) (then (return ${k(0)})))
    (if (i32.and (i32.ne (i32.and (local.get $pde) ${k(PDE_PS)}) ${k(0)})
          (i32.ne (i32.and (local.get $cr4) ${k(CR4_PSE)}) ${k(0)}))
      (then
        ;; A 4 MiB page: the directory entry is the leaf.
        (local.set $leafAddr (local.get $pdeAddr))
        (local.set $leaf (local.get $pde))
        (local.set $rights (local.get $pde))
        (local.set $phys (i32.or (i32.and (local.get $pde) ${k(0xffc00000)})
          (i32.and (local.get $lin) ${k(0x3ff000)}))))
      (else
        (local.set $leafAddr (i32.add (i32.and (local.get $pde) ${k(~0xfff)})
          (i32.shl (i32.and (i32.shr_u (local.get $lin) ${k(12)}) ${k(0x3ff)}) ${k(2)})))
        (if (i32.gt_u (local.get $leafAddr) ${k(ramSize - 4)}) (then (return ${k(0)})))
        (local.set $leaf (i32.load offset=${RAM_BASE} (local.get $leafAddr)))
        (if (i32.eqz (i32.and (local.get $leaf) ${k(PTE_P)})) (then (return ${k(0)})))
        (local.set $rights (i32.and (local.get $pde) (local.get $leaf)))
        (local.set $phys (i32.and (local.get $leaf) ${k(~0xfff)}))))
    ;; Faults, and writes that only CR0.WP=0 allows, are the JS walk's.
    (if (i32.and (local.get $user) (i32.eqz (i32.and (local.get $rights) ${k(PTE_US)})))
      (then (return ${k(0)})))
    (if (i32.and (local.get $write) (i32.eqz (i32.and (local.get $rights) ${k(PTE_RW)})))
      (then (return ${k(0)})))
    (if (i32.ge_u (local.get $phys) ${k(ramSize)}) (then (return ${k(0)})))
    ;; A write to translated code must invalidate it.
    (local.set $isCode (call $code (local.get $phys)))
    (if (i32.and (local.get $write) (i32.ne (local.get $isCode) ${k(0)})) (then (return ${k(0)})))
    ;; Accessed and dirty bits, unless a table page holds code (its write must invalidate it).
    (local.set $upd (i32.or (local.get $leaf)
      (select ${k(PTE_A | PTE_D)} ${k(PTE_A)} (local.get $write))))
    (local.set $pdeA (i32.and (i32.ne (local.get $leafAddr) (local.get $pdeAddr))
      (i32.eqz (i32.and (local.get $pde) ${k(PTE_A)}))))
    (local.set $leafAD (i32.ne (local.get $upd) (local.get $leaf)))
    (if (local.get $pdeA)
      (then (if (call $code (local.get $pdeAddr)) (then (return ${k(0)})))))
    (if (local.get $leafAD)
      (then (if (call $code (local.get $leafAddr)) (then (return ${k(0)})))))
    (if (local.get $pdeA) (then
      (i32.store offset=${RAM_BASE} (local.get $pdeAddr) (i32.or (local.get $pde) ${k(PTE_A)}))))
    (if (local.get $leafAD) (then
      (i32.store offset=${RAM_BASE} (local.get $leafAddr) (local.get $upd))))
    ;; The entry, as \`Mmu.translate\` builds it.
    (local.set $flags ${k(TLB_VALID)})
    (if (i32.and (local.get $rights) ${k(PTE_US)})
      (then (local.set $flags (i32.or (local.get $flags) ${k(TLB_USER)}))))
    (if (i32.and (i32.ne (i32.and (local.get $leaf) ${k(PTE_G)}) ${k(0)})
          (i32.ne (i32.and (local.get $cr4) ${k(CR4_PGE)}) ${k(0)}))
      (then (local.set $flags (i32.or (local.get $flags) ${k(TLB_GLOBAL)}))))
    ;; Writable only once dirty: the first write must set D.
    (if (i32.and (i32.ne (i32.and (local.get $rights) ${k(PTE_RW)}) ${k(0)})
          (i32.ne (i32.and (local.get $upd) ${k(PTE_D)}) ${k(0)}))
      (then (local.set $flags (i32.or (local.get $flags) ${k(TLB_WRITE)}))))
    (if (local.get $isCode) (then (local.set $flags (i32.or (local.get $flags) ${k(TLB_CODE)}))))
    (local.set $entry (i32.or
      (i32.and (i32.xor (i32.add (local.get $phys) ${k(RAM_BASE)}) (local.get $lin)) ${k(~0xfff)})
      (local.get $flags)))
    ;; Record the fill for a targeted flush, as \`Mmu.translate\` does.
    (local.set $vpn (i32.shl (i32.shr_u (local.get $lin) ${k(12)}) ${k(2)}))
    (if (i32.eqz (i32.load offset=${OFF_TLB} (local.get $vpn)))
      (then
        (local.set $n (i32.load ${k(OFF_TLB_FILLED_COUNT)}))
        (if (i32.lt_u (local.get $n) ${k(TLB_TRACKED_MAX)})
          (then
            (i32.store offset=${OFF_TLB_FILLED} (i32.shl (local.get $n) ${k(2)})
              (i32.shr_u (local.get $lin) ${k(12)}))
            (i32.store ${k(OFF_TLB_FILLED_COUNT)} (i32.add (local.get $n) ${k(1)})))
          (else (i32.store ${k(OFF_TLB_OVERFLOW)} ${k(1)})))))
    (i32.store offset=${OFF_TLB} (local.get $vpn) (local.get $entry))
    (local.get $entry))
${read("rd1", 1, "i32.load8_u")}
${read("rd2", 2, "i32.load16_u")}
${read("rd4", 4, "i32.load")}
${write("wr1", 1, "i32.store8")}
${write("wr2", 2, "i32.store16")}
${write("wr4", 4, "i32.store")}

  ;; Read and clear the word a JS slow read sets when the run loop asked for attention.
  (func (export "${HOST.stopped}") (result i32) (local $s i32)
    (local.set $s (i32.load ${k(stopWord)}))
    (i32.store ${k(stopWord)} ${k(0)})
    (local.get $s))
)`;
}

/**
 * Builds the walker for a guest of `ramSize` bytes of RAM in front of the JS slow paths.
 * @param b binaryen
 * @param memory the shared memory
 * @param js the JS slow paths; a JS read sets the word at `stopWord` to 1 when the run loop asked
 *   for attention, which `stopped` reports once
 * @param ramSize guest RAM bytes
 * @param stopWord byte offset of that word in the shared memory
 * @returns the functions compiled blocks import in place of the JS ones
 */
export function buildWalker(
  b: Binaryen,
  memory: WebAssembly.Memory,
  js: SlowAccess,
  ramSize: number,
  stopWord: number,
): WalkerExports {
  const m = b.parseText(walkerText(ramSize, stopWord));
  try {
    m.setFeatures(b.Features.MVP | b.Features.TailCall);
    if (!m.validate()) throw new Error("the page walker's module does not validate");
    const binary = m.emitBinary();
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>),
      { e: { [MEMORY_IMPORT]: memory }, h: { ...js } },
    );
    return instance.exports as unknown as WalkerExports;
  } finally {
    m.dispose();
  }
}
