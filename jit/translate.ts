/**
 * Translation of planned blocks to one WebAssembly module: one function per block or region,
 * guest state accessed with absolute loads and stores into the imported shared memory, and a
 * host callout to the interpreter handler for every instruction not translated inline
 * (DESIGN.md §5).
 *
 * Each function takes the instruction budget left and returns the instructions it retired, with
 * EIP stored. A region (a hot loop's blocks, see `region.ts`) is one function with a wasm loop:
 * its edges stay inside and check the budget, so it returns when the next block would exceed it.
 */

import { MISSING_MNEMONICS } from "../src/cpu/interp/dispatch.ts";
import { F_END } from "../src/cpu/decode/table.ts";
import { ALU_EMITTERS } from "./emit/alu.ts";
import { BIT_EMITTERS } from "./emit/bit.ts";
import { EXCHANGE_EMITTERS } from "./emit/exchange.ts";
import { CS, OFF_EIP, OFF_TLB, SEG_BASE, segOffset } from "../src/cpu/state.ts";
import { TLB_MMIO, TLB_USER, TLB_VALID } from "../src/cpu/tlb.ts";
import {
  type Binaryen,
  type BlockMode,
  chainName,
  EmitContext,
  type Expr,
  HOST,
  innerLoopLabel,
  memberLabel,
  modeKey,
  REGION_LOOP,
  REGION_START,
  selfLoopLabel,
  UNREACHABLE_MEMBER,
} from "./emit/context.ts";
import { CONTROL_EMITTERS } from "./emit/control.ts";
import { DATA_EMITTERS } from "./emit/data.ts";
import { MULDIV_EMITTERS } from "./emit/muldiv.ts";
import { DIRECTION_OPS, STRING_EMITTERS } from "./emit/string.ts";
import type { Emitter } from "./emit/emitter.ts";
import { SHIFT_EMITTERS } from "./emit/shift.ts";
import { STACK_EMITTERS } from "./emit/stack.ts";
import { SYSTEM_EMITTERS } from "./emit/system.ts";
import {
  JC_BASE,
  JC_EIP,
  JC_HOST,
  JC_INDEX,
  JC_MODE_LEN,
  JC_SLOT_BYTES,
  JC_SLOTS,
  MODE_BITS,
} from "./jump_cache.ts";
import type { BlockPlan } from "./plan.ts";
import type { RegionPlan } from "./region.ts";
import { planVector } from "./vector_plan.ts";
import { vectorEntry } from "./emit/vector.ts";

/** Name of the imported shared memory (module "e"). */
export const MEMORY_IMPORT = "mem";
/** Name of the imported shared function table of all compiled blocks (module "e"). */
export const TABLE_IMPORT = "tbl";

/**
 * Inline emitters by mnemonic: only for operations the interpreter implements, so both engines
 * always agree on what an instruction does.
 */
export const INLINE_EMITTERS: ReadonlyMap<string, Emitter> = new Map(
  Object.entries({
    ...ALU_EMITTERS,
    ...DATA_EMITTERS,
    ...STACK_EMITTERS,
    ...CONTROL_EMITTERS,
    ...SHIFT_EMITTERS,
    ...MULDIV_EMITTERS,
    ...STRING_EMITTERS,
    ...BIT_EMITTERS,
    ...EXCHANGE_EMITTERS,
    ...SYSTEM_EMITTERS,
  }).filter(([mnemonic]) => !MISSING_MNEMONICS.includes(mnemonic)),
);

/** One block to translate. */
export interface BlockSource {
  /** The decoded block. */
  readonly plan: BlockPlan;
  /** The CPU mode it runs in. */
  readonly mode: BlockMode;
  /** Its index in the shared function table. */
  readonly id: number;
  /** The loop it heads, compiled into the same function (`region.blocks[0]` is `plan`). */
  readonly region?: RegionPlan;
  /**
   * Give the region's self-loops a vector entry where they qualify (`vector_plan.ts`).
   * @default true
   */
  readonly vectorize?: boolean;
  /** Numbers naming each block (of the region, or the one block) in host calls; default [id]. */
  readonly sites?: readonly number[];
  /**
   * Host address of each region member's entry, when members lie on more than one code page
   * (then CS has base 0 and EIP is the linear address): an edge to a member on another page
   * first checks that the TLB still maps that page to the same host page.
   */
  readonly hosts?: readonly number[];
}

/**
 * Export name of block j of a batch, or for a region of member `member` (a stub that enters the
 * region's function there, so every block of a hot loop is an entry for the dispatcher and the
 * jump cache).
 */
export function exportName(j: number, member = 0): string {
  return member === 0 ? `b${j}` : `b${j}m${member}`;
}

/** A translated batch of blocks. */
export interface Translation {
  /** The module binary; block j is exported as `exportName(j)`, region members as `exportName(j, k)`. */
  readonly binary: Uint8Array;
  /** Per block, how many of its instructions were translated inline. */
  readonly inlined: readonly number[];
}

/**
 * Translates a batch of blocks into one module.
 * @param b the binaryen namespace
 * @param blocks the blocks, in export order
 * @param validate run binaryen's validator (tests)
 * @returns the module binary and inline counts
 */
export function translateBlocks(
  b: Binaryen,
  blocks: readonly BlockSource[],
  validate = false,
): Translation {
  const m = new b.Module();
  try {
    m.setFeatures(
      b.Features.MVP | b.Features.SignExt | b.Features.TailCall | b.Features.BulkMemory |
        b.Features.MutableGlobals | b.Features.Multivalue | b.Features.SIMD128,
    );
    m.setMemory(1, 65536, null, [], false, false, "0");
    m.addMemoryImport("0", "e", MEMORY_IMPORT);
    m.addTableImport("t", "e", TABLE_IMPORT);
    const i32 = b.i32;
    const t = (n: number) => b.createType(new Array(n).fill(i32));
    m.addFunctionImport(HOST.callout, "h", HOST.callout, t(2), i32);
    m.addFunctionImport(HOST.cond, "h", HOST.cond, i32, i32);
    m.addFunctionImport(HOST.cf, "h", HOST.cf, b.none, i32);
    m.addFunctionImport(HOST.stopped, "h", HOST.stopped, b.none, i32);
    const modes = new Map<number, BlockMode>();
    for (const src of blocks) modes.set(modeKey(src.mode), src.mode);
    for (const [key, mode] of modes) addChainHelper(b, m, key, mode);
    for (const name of ["rd1", "rd2", "rd4"]) m.addFunctionImport(name, "h", name, t(3), i32);
    for (const name of ["wr1", "wr2", "wr4"]) m.addFunctionImport(name, "h", name, t(4), i32);
    if (blocks.some((src) => (src.region?.blocks.length ?? 0) > 1)) {
      m.addGlobal(REGION_START, i32, true, m.i32.const(0));
    }
    const inlined: number[] = [];
    blocks.forEach((src, j) => {
      const { body, vars, count } = src.region === undefined
        ? translateBlock(b, m, src)
        : translateRegion(b, m, src, src.region);
      const members = src.region?.blocks.length ?? 1;
      if (members === 1) {
        m.addFunction(exportName(j), t(2), i32, vars, body);
        m.addFunctionExport(exportName(j), exportName(j));
      } else {
        const impl = `r${j}`;
        m.addFunction(impl, t(2), i32, vars, body);
        for (let k = 0; k < members; k++) {
          if (src.region!.hidden[k]) continue;
          const stub = m.block(null, [
            m.global.set(REGION_START, m.i32.const(k)),
            m.return_call(impl, [m.local.get(0, i32), m.local.get(1, i32)], i32),
          ]);
          m.addFunction(exportName(j, k), t(2), i32, [], stub);
          m.addFunctionExport(exportName(j, k), exportName(j, k));
        }
      }
      inlined.push(count);
    });
    if (validate && !m.validate()) throw new Error("Cannot translate blocks: invalid module");
    return { binary: m.emitBinary(), inlined };
  } finally {
    m.dispose();
  }
}

/**
 * Adds `chain<mode>(budget, done, eip) -> done`: stores EIP, then tail-calls the block the jump
 * cache holds for CS:EIP in this mode if the budget covers all of it, else returns `done` to
 * the dispatcher. The TLB check is the dispatcher's: a fetchable page, not MMIO, user access
 * allowed at CPL 3.
 */
function addChainHelper(
  b: Binaryen,
  m: InstanceType<Binaryen["Module"]>,
  key: number,
  mode: BlockMode,
): void {
  const i32 = b.i32;
  const c = (v: number) => m.i32.const(v | 0);
  const get = (l: number) => m.local.get(l, i32);
  const [BUDGET, DONE, EIP, LIN, E, SLOT, W] = [0, 1, 2, 3, 4, 5, 6];
  const u = mode.user ? TLB_USER : 0;
  const out = m.return(get(DONE));
  const body = m.block(null, [
    m.i32.store(OFF_EIP, 4, c(0), get(EIP)),
    m.local.set(
      LIN,
      (mode.zeroBases & (1 << CS)) !== 0
        ? get(EIP)
        : m.i32.add(m.i32.load(segOffset(CS) + SEG_BASE, 4, c(0)), get(EIP)),
    ),
    m.local.set(E, m.i32.load(OFF_TLB, 4, m.i32.shl(m.i32.shr_u(get(LIN), c(12)), c(2)))),
    m.if(m.i32.ne(m.i32.and(get(E), c(TLB_VALID | TLB_MMIO | u)), c(TLB_VALID | u)), out),
    m.local.set(LIN, m.i32.xor(m.i32.and(get(E), c(~0xfff)), get(LIN))),
    m.local.set(
      SLOT,
      m.i32.shl(
        m.i32.and(m.i32.xor(get(LIN), m.i32.shr_u(get(LIN), c(12))), c(JC_SLOTS - 1)),
        c(Math.log2(JC_SLOT_BYTES)),
      ),
    ),
    m.if(m.i32.ne(m.i32.load(JC_BASE + JC_HOST, 4, get(SLOT)), get(LIN)), out),
    m.if(m.i32.ne(m.i32.load(JC_BASE + JC_EIP, 4, get(SLOT)), get(EIP)), out),
    m.local.set(W, m.i32.load(JC_BASE + JC_MODE_LEN, 4, get(SLOT))),
    m.if(m.i32.ne(m.i32.and(get(W), c((1 << MODE_BITS) - 1)), c(key)), out),
    m.if(m.i32.gt_u(m.i32.add(get(DONE), m.i32.shr_u(get(W), c(MODE_BITS))), get(BUDGET)), out),
    m.return_call_indirect(
      "t",
      m.i32.load(JC_BASE + JC_INDEX, 4, get(SLOT)),
      [get(BUDGET), get(DONE)],
      b.createType([i32, i32]),
      i32,
    ),
  ]);
  m.addFunction(chainName(key), b.createType([i32, i32, i32]), i32, [i32, i32, i32, i32], body);
}

/** Emits the instructions of the context's current block; returns how many were inline. */
function emitInstrs(ctx: EmitContext): number {
  const { plan, m } = ctx;
  const n = plan.instrs.length;
  let count = 0;
  let lastInline = false;
  for (let k = 0; k < n; k++) {
    const i = plan.instrs[k];
    ctx.begin(k);
    if (k === n - 1 && plan.nextPage !== undefined) {
      ctx.leaveIfMoved(plan.nextPage.lin, plan.nextPage.host);
    }
    const emitter = INLINE_EMITTERS.get(i.op.mnemonic);
    lastInline = emitter !== undefined && emitter(ctx, i);
    if (lastInline) count++;
    else ctx.callout();
    ctx.end();
  }
  const last = plan.instrs[n - 1];
  if ((last.op.flags & F_END) === 0) ctx.emit(ctx.branchTo(plan.eips[n]));
  else if (!lastInline) ctx.emit(m.return(ctx.doneAfter()));
  return count;
}

/** Whether any of `plans` holds a string instruction, which steps by EFLAGS.DF. */
function usesDirection(plans: readonly BlockPlan[]): boolean {
  return plans.some((plan) => plan.instrs.some((i) => DIRECTION_OPS.has(i.op.mnemonic)));
}

function translateBlock(
  b: Binaryen,
  m: InstanceType<Binaryen["Module"]>,
  src: BlockSource,
): { body: number; vars: number[]; count: number } {
  const ctx = new EmitContext(b, m, src.plan, src.mode, false, src.id);
  ctx.siteId = src.sites?.[0] ?? src.id;
  ctx.emit(ctx.prologue());
  if (usesDirection([src.plan])) ctx.trackDirection();
  const count = emitInstrs(ctx);
  ctx.finish();
  return { body: m.block(null, [...ctx.stmts, m.unreachable()]), vars: ctx.varTypes, count };
}

/**
 * A region as one function: member j's code follows the end of the wasm block labelled
 * `memberLabel(j)`, all inside the region's loop. Edges forward branch out of those blocks;
 * edges back branch to the loop, which dispatches on the target's index with a `br_table` (the
 * first time on the member the entry stub named), or falls into the only member. An inner loop
 * with one way in (`RegionPlan.loopEnds`) is a wasm loop of its own around its members' blocks: its back
 * edges branch straight to it, and its members after the head have no entry stub.
 */
function translateRegion(
  b: Binaryen,
  m: InstanceType<Binaryen["Module"]>,
  src: BlockSource,
  region: RegionPlan,
): { body: number; vars: number[]; count: number } {
  const blocks = region.blocks;
  const table = blocks.length > 1;
  // With one member the region loop is its loop already.
  const selfLoops = table ? blocks.map((_, j) => region.edges[j].includes(j)) : undefined;
  const loopEnds = table ? region.loopEnds : undefined;
  const ctx = new EmitContext(b, m, blocks[0], src.mode, true, src.id);
  ctx.emit(ctx.prologue());
  if (usesDirection(blocks)) ctx.trackDirection();
  ctx.beginRegion({
    entries: blocks.map((p) => p.entryEip),
    lengths: blocks.map((p) => p.instrs.length),
    flagsLive: region.flagsLive,
    table,
    indirect: region.indirect,
    selfLoops,
    loopEnds,
    pages: src.hosts?.map((host, j) => ({ lin: blocks[j].entryEip >>> 12, host: host >>> 12 })),
  });
  const preamble = ctx.stmts.splice(0);
  let count = 0;
  // A vector entry runs where its self-loop is entered from outside: before the member's wasm
  // loop, or before the region's loop when the self-loop is the region.
  let regionEntry: Expr[] = [];
  const code: Expr[][] = blocks.map((plan, j) => {
    const site = src.sites?.[j] ?? src.id;
    ctx.enterMember(j, plan, site);
    const vector = src.vectorize !== false && (!table || selfLoops![j]) ? planVector(plan) : null;
    const entry = vector === null ? null : vectorEntry(ctx, vector, plan, j);
    if (entry !== null) ctx.enterMember(j, plan, site);
    count += emitInstrs(ctx);
    const stmts = ctx.stmts.splice(0);
    const before = entry === null ? [] : [entry];
    if (!table) regionEntry = before;
    return selfLoops?.[j] ? [...before, m.loop(selfLoopLabel(j), m.block(null, stmts))] : stmts;
  });
  ctx.finish();
  let inner: Expr | null = null;
  if (table) {
    const dispatch = m.block(UNREACHABLE_MEMBER, [ctx.dispatch(region.hidden)]);
    inner = m.block(memberLabel(0), [dispatch, m.unreachable()]);
  }
  // Member j's code, or the wasm loop around an inner loop's members j..k: its members after
  // j follow the ends of blocks inside the loop, so only the loop's own edges reach them.
  const segments: { first: number; body: Expr[] }[] = [];
  for (let j = 0; j < blocks.length; j++) {
    const k = loopEnds?.[j] ?? -1;
    if (k < 0) {
      segments.push({ first: j, body: code[j] });
      continue;
    }
    let body = code[j];
    for (let x = j + 1; x <= k; x++) body = [m.block(memberLabel(x), body), ...code[x]];
    segments.push({ first: j, body: [m.loop(innerLoopLabel(j), m.block(null, body))] });
    j = k;
  }
  for (let s = 0; s < segments.length - 1; s++) {
    const head = inner === null ? [] : [inner];
    inner = m.block(memberLabel(segments[s + 1].first), [...head, ...segments[s].body]);
  }
  const last = [...(inner === null ? [] : [inner]), ...segments[segments.length - 1].body];
  const body = m.block(null, [
    ...preamble,
    ...ctx.canonDefaults(),
    ...regionEntry,
    m.loop(REGION_LOOP, m.block(null, last)),
    m.unreachable(),
  ]);
  return { body, vars: ctx.varTypes, count };
}
