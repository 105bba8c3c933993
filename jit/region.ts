/**
 * Region formation for the JIT: from a hot block, the blocks (of its page and, in a flat code
 * segment, the pages next to it; the caller's `planAt` decides) that lie on
 * a cycle through it (a loop and its inner loops; a recursive function with its calls' return
 * points; a switch's dispatch and its cases), ordered so most edges run forward, plus the
 * flag liveness that decides how the lazy-flag record crosses each block boundary. Pure work on
 * plans, no binaryen, so it can be tested alone (DESIGN.md §5: hot loops compiled as one
 * function are where near-native speed comes from).
 */

import type { Instr } from "../src/cpu/decode/instr.ts";
import { REP_NONE } from "../src/cpu/decode/instr.ts";
import { K_E, K_G, K_I, K_J, K_M, K_ONE, K_REG, K_Z } from "../src/cpu/decode/operand.ts";
import { F_END, F_STRING } from "../src/cpu/decode/table.ts";
import { type BlockPlan, branchTarget } from "./plan.ts";

/** Most blocks in one region. */
export const MAX_REGION_BLOCKS = 16;
/** Most instructions in one region (bounds the function's size and its compile time). */
export const MAX_REGION_INSTRS = 400;
/** Most blocks planned while searching for a region's cycles. */
const MAX_EXPLORED = 32;
/** Most entries of a jump table read while forming a region. */
const MAX_TABLE = 32;

/** A region: member 0 is the entry; `edges[j]` lists the member indices block j may branch to. */
export interface RegionPlan {
  /** The member blocks, entry first, then in reverse post-order from the entry. */
  readonly blocks: readonly BlockPlan[];
  /** Direct successors of each member that are members too. */
  readonly edges: readonly (readonly number[])[];
  /** Per member, whether the lazy-flag record must be in the state at its entry (see `flagsReadFirst`). */
  readonly flagsLive: readonly boolean[];
  /** Whether some member branches to an earlier or the same member (the function loops). */
  readonly loops: boolean;
  /**
   * Per member ending in an indirect transfer, the members it most likely goes to, which it
   * checks its target against before leaving the region: for `ret`, the members starting right
   * after a call; for `jmp` through a jump table, the table's targets that are members.
   */
  readonly indirect: readonly (readonly number[])[];
  /**
   * Per member, the last member of the inner loop it heads, or -1 (see `innerLoops`): such a
   * loop becomes a wasm loop of its own, and its members after the head have no entry.
   */
  readonly loopEnds: readonly number[];
  /**
   * Per member, whether it lies inside an inner loop after its head: such a member has no entry
   * of its own (no stub, no compiled block), because the region's dispatch cannot branch there.
   */
  readonly hidden: readonly boolean[];
}

/** Reads the i32 at an address of the code's page, or null when it is elsewhere. */
export type Read32 = (addr: number) => number | null;

/**
 * Targets of a `jmp [table + reg*4]` ending the block, read from the table as it is now while
 * they stay on the table's page (where the code must be, for the targets to be members), or up
 * to the block's `cmp reg, imm` range check when it has one. Only a guess at where the jump
 * goes: the compiled code compares the real target with them.
 * @param plan the block
 * @param read32 reads the table
 * @returns the targets, possibly empty
 */
export function tableTargets(plan: BlockPlan, read32: Read32): number[] {
  const n = plan.instrs.length;
  const last = plan.instrs[n - 1];
  if (
    last.op.mnemonic !== "jmp" || last.op.operands[0].kind === K_J || last.mod === 3 ||
    last.base !== -1 || last.index < 0 || last.scale !== 2
  ) return [];
  let count = MAX_TABLE;
  for (let k = 0; k < n - 1; k++) {
    const i = plan.instrs[k];
    if (i.op.mnemonic === "cmp" && i.op.operands[1]?.kind === K_I) {
      count = Math.min(MAX_TABLE, (i.imm >>> 0) + 1);
    }
  }
  const out: number[] = [];
  for (let e = 0; e < count; e++) {
    const addr = (last.disp + 4 * e) | 0;
    const v = read32(addr);
    if (v === null || ((v ^ addr) >>> 12) !== 0) break;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Static successors of a block: relative branch targets and the fall-through, as EIPs. Calls
 * lead to their target only (formation adds the return point, which only a `ret` reaches).
 * @param plan the block
 * @returns successor EIPs, possibly with duplicates
 */
export function successors(plan: BlockPlan): number[] {
  const n = plan.instrs.length;
  const last = plan.instrs[n - 1];
  const next = plan.eips[n];
  if ((last.op.flags & F_END) === 0) return [next];
  const target = branchTarget(last, next);
  switch (last.op.mnemonic) {
    case "jcc":
    case "loop":
    case "jcxz":
      return target < 0 ? [next] : [target, next];
    case "jmp":
    case "call":
      return target < 0 ? [] : [target];
  }
  return [];
}

/**
 * Successors for region formation: `successors` plus the return point of a call, since the
 * callee's `ret` comes back there (checked at run time, see `RegionPlan.returnSites`).
 */
function flow(plan: BlockPlan, read32: Read32 | undefined): number[] {
  const out = successors(plan);
  const n = plan.instrs.length;
  if (plan.instrs[n - 1].op.mnemonic === "call") out.push(plan.eips[n]);
  else if (read32 !== undefined) out.push(...tableTargets(plan, read32));
  return out;
}

/**
 * Forms the region of a hot block: every block reachable from it (within the planner's reach
 * and the bounds) from which it can be reached again.
 * @param entry the hot block
 * @param planAt plans the block at an EIP, or null when it is out of reach (another page)
 * @param read32 reads jump tables on the code's page (without it, they are not followed)
 * @returns the region, or null when the entry is on no cycle (compile it as a plain block)
 * @example A two-block loop
 * ```ts
 * import assert from "node:assert/strict";
 * import { planBlock } from "./plan.ts";
 * import { formRegion } from "./region.ts";
 * // 0: dec ecx; jz 5   3: jmp 0   5: ret
 * const code = [0x49, 0x74, 0x02, 0xeb, 0xfb, 0xc3];
 * const planAt = (eip: number) => planBlock({ fetch8: (e) => code[e] }, eip, true);
 * const region = formRegion(planAt(0)!, planAt);
 * assert.deepEqual(region?.blocks.map((b) => b.entryEip), [0, 3]);
 * ```
 */
export function formRegion(
  entry: BlockPlan,
  planAt: (eip: number) => BlockPlan | null,
  read32?: Read32,
): RegionPlan | null {
  const byEip = new Map<number, BlockPlan>([[entry.entryEip, entry]]);
  const succ = new Map<number, number[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const p = queue.shift()!;
    const out = flow(p, read32);
    succ.set(p.entryEip, out);
    for (const eip of out) {
      if (byEip.has(eip) || byEip.size >= MAX_EXPLORED) continue;
      const q = planAt(eip);
      if (q === null) continue;
      byEip.set(eip, q);
      queue.push(q);
    }
  }
  // A block that runs on into a loop's head (a block some explored block jumps back to) ends
  // there instead, as gcc's rotated loops make the block before one decode on through its head:
  // then the loop is entered at its head only and can be a wasm loop of its own
  // (`innerLoops`). The entry stays whole, and so does a self-loop (entered mid-way after a
  // budget ran out, say), its own wasm loop. Cuts elsewhere would only add members.
  const heads = new Set<number>();
  for (const [from, outs] of succ) {
    const p = byEip.get(from)!;
    const last = p.eips[p.instrs.length - 1] >>> 0;
    for (const to of outs) if (byEip.has(to) && to >>> 0 <= last) heads.add(to);
  }
  const uncut = new Map<number, { plan: BlockPlan; out: number[] }>();
  for (const [eip, p] of byEip) {
    const n = p.instrs.length;
    const last = p.instrs[n - 1].op.mnemonic;
    const whole = p === entry || p.selfLoop || last === "call" || last === "ret";
    const k = whole ? -1 : p.eips.findIndex((e, x) => x > 0 && x < n && heads.has(e));
    if (k < 0) continue;
    uncut.set(eip, { plan: p, out: succ.get(eip)! });
    byEip.set(eip, endAt(p, k));
    succ.set(eip, [p.eips[k]]);
  }
  // A ret goes back to where some call of the region would return: with those edges, a
  // recursive function's return paths are on its cycle too.
  const returns = [...succ.keys()].filter((eip) => {
    const p = byEip.get(eip)!;
    return p.instrs[p.instrs.length - 1].op.mnemonic === "call" &&
      byEip.has(p.eips[p.instrs.length]);
  }).map((eip) => {
    const p = byEip.get(eip)!;
    return p.eips[p.instrs.length];
  });
  // In a recursive function every return path leads back into its body (to the return points,
  // or through the caller's next call), so its rets count as reaching the entry.
  const recursive = [...byEip.values()].some((p) => {
    const n = p.instrs.length;
    return p.instrs[n - 1].op.mnemonic === "call" &&
      branchTarget(p.instrs[n - 1], p.eips[n]) === entry.entryEip;
  });
  const fromRet = recursive ? [...returns, entry.entryEip] : returns;
  for (const [eip, p] of byEip) {
    if (p.instrs[p.instrs.length - 1].op.mnemonic === "ret") succ.set(eip, fromRet);
  }
  // Blocks that reach the entry again, by a backward search over the explored edges.
  const preds = new Map<number, number[]>();
  for (const [from, outs] of succ) {
    for (const to of outs) {
      if (!byEip.has(to)) continue;
      const list = preds.get(to);
      if (list === undefined) preds.set(to, [from]);
      else list.push(from);
    }
  }
  const onCycle = new Set<number>();
  const work = [...(preds.get(entry.entryEip) ?? [])];
  while (work.length > 0) {
    const eip = work.pop()!;
    if (onCycle.has(eip)) continue;
    onCycle.add(eip);
    work.push(...(preds.get(eip) ?? []));
  }
  if (!onCycle.has(entry.entryEip)) return null;
  const order = reversePostOrder(entry.entryEip, (eip) => succ.get(eip) ?? [], onCycle);
  const blocks: BlockPlan[] = [];
  let instrs = 0;
  for (const eip of order) {
    const p = byEip.get(eip)!;
    if (blocks.length >= MAX_REGION_BLOCKS || instrs + p.instrs.length > MAX_REGION_INSTRS) {
      continue;
    }
    blocks.push(p);
    instrs += p.instrs.length;
  }
  // A cut block whose loop head did not fit in the region is whole again, else it would leave
  // the region where it used to run on; or out, when whole it does not fit either.
  for (let j = blocks.length - 1; j > 0; j--) {
    const p = blocks[j];
    const was = uncut.get(p.entryEip);
    const to = p.eips[p.instrs.length];
    if (was === undefined || blocks.some((q) => q.entryEip === to)) continue;
    const more = was.plan.instrs.length - p.instrs.length;
    if (instrs + more > MAX_REGION_INSTRS) {
      blocks.splice(j, 1);
      instrs -= p.instrs.length;
      continue;
    }
    blocks[j] = was.plan;
    instrs += more;
    succ.set(p.entryEip, was.out);
  }
  const index = new Map(blocks.map((p, j) => [p.entryEip, j]));
  let loops = false;
  const edges = blocks.map((p, j) => {
    const out: number[] = [];
    for (const eip of succ.get(p.entryEip) ?? []) {
      const to = index.get(eip);
      if (to === undefined || out.includes(to)) continue;
      out.push(to);
      if (to <= j) loops = true;
    }
    return out;
  });
  if (!loops) return null;
  const returnSites: number[] = [];
  for (const p of blocks) {
    const to = endsInCall(p) ? index.get(p.eips[p.instrs.length]) : undefined;
    if (to !== undefined && !returnSites.includes(to)) returnSites.push(to);
  }
  const members = (eips: number[]) => [...new Set(eips.flatMap((e) => index.get(e) ?? []))];
  const indirect = blocks.map((p) => {
    const last = p.instrs[p.instrs.length - 1].op.mnemonic;
    if (last === "ret") return returnSites;
    return read32 === undefined ? [] : members(tableTargets(p, read32));
  });
  const flagsLive = blocks.map((p) => flagsReadFirst(p.instrs));
  const loopEnds = innerLoops(blocks, edges, indirect, returnSites);
  return { blocks, edges, flagsLive, loops, indirect, loopEnds, hidden: hiddenMembers(loopEnds) };
}

/** The first k instructions of `p`, as a block that falls through to the next. */
function endAt(p: BlockPlan, k: number): BlockPlan {
  return {
    entryEip: p.entryEip,
    instrs: p.instrs.slice(0, k),
    eips: p.eips.slice(0, k + 1),
    endsWithEnd: false,
    selfLoop: false,
    byteLength: (p.eips[k] - p.entryEip) >>> 0,
  };
}

function reversePostOrder(
  start: number,
  next: (eip: number) => readonly number[],
  keep: ReadonlySet<number>,
): number[] {
  const seen = new Set<number>([start]);
  const post: number[] = [];
  const stack: { eip: number; at: number }[] = [{ eip: start, at: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const outs = next(top.eip);
    if (top.at < outs.length) {
      const to = outs[top.at++];
      if (keep.has(to) && !seen.has(to)) {
        seen.add(to);
        stack.push({ eip: to, at: 0 });
      }
      continue;
    }
    post.push(top.eip);
    stack.pop();
  }
  return post.reverse();
}

/** Instructions that replace every arithmetic flag without reading any. */
const FLAG_WRITERS = new Set([
  "add",
  "or",
  "and",
  "sub",
  "xor",
  "cmp",
  "test",
  "neg",
  "imul2",
  "imul3",
]);
/** Instructions that neither read nor write the arithmetic flags. */
const FLAG_NEUTRAL = new Set([
  "mov",
  "movzx",
  "movsx",
  "lea",
  "push",
  "pop",
  "nop",
  "xchg",
  "cbw",
  "cwd",
  "not",
  "jmp",
  "call",
  "ret",
  "loop",
  "jcxz",
  "bswap",
  "movs",
  "stos",
  "lods",
]);
/** Shifts whose flags come from the result when the count is a constant in range. */
const SHIFTS = new Set(["shl", "sal", "shr", "sar"]);

function writesAllFlags(i: Instr): boolean {
  const mnemonic = i.op.mnemonic;
  if (FLAG_WRITERS.has(mnemonic)) return true;
  if (!SHIFTS.has(mnemonic)) return false;
  const kind = i.op.operands[1]?.kind;
  const count = kind === K_ONE ? 1 : kind === K_I ? i.imm & 31 : 0;
  const size = i.size1 === 0 ? 1 : i.size1;
  return count > 0 && count < size * 8;
}

/**
 * Whether a block may read the arithmetic flags its entry receives: some instruction reads them
 * (or is of a kind not known to leave them alone) before one replaces them all. When it cannot,
 * the record can cross the edge into it in locals, stored only if something faults or leaves
 * first.
 * @param instrs the block's instructions
 * @returns true when the incoming record should be in the state at the block's entry
 */
export function flagsReadFirst(instrs: readonly Instr[]): boolean {
  for (let k = 0; k < instrs.length; k++) {
    const i = instrs[k];
    if (i.rep !== REP_NONE && (i.op.flags & F_STRING) !== 0) return true; // callouts
    if (writesAllFlags(i)) return false;
    if (INC_DEC.has(i.op.mnemonic) && carryDeadAfter(instrs, k)) continue;
    if (!FLAG_NEUTRAL.has(i.op.mnemonic)) return true;
  }
  return false;
}

/** inc and dec: every arithmetic flag but CF, which they keep. */
const INC_DEC = new Set(["inc", "dec"]);
/** Register-only instructions that leave the flags alone and cannot fault. */
const QUIET = new Set([
  "mov",
  "movzx",
  "movsx",
  "lea",
  "nop",
  "not",
  "bswap",
  "cbw",
  "cwd",
  "xchg",
]);

/** Operand kinds that are general registers or immediates (with ModRM mod 3 for E). */
const PLAIN_OPERANDS = new Set([K_E, K_G, K_I, K_REG, K_Z, K_ONE]);

/**
 * Whether `i` may do more than compute on general registers: touch memory (lea only computes
 * an address), a segment or control register, or end the block.
 */
function beyondRegisters(i: Instr): boolean {
  if ((i.op.flags & F_END) !== 0) return true;
  return i.op.operands.some((o, n) =>
    !PLAIN_OPERANDS.has(o.kind) && !(n === 1 && o.kind === K_M && i.op.mnemonic === "lea") ||
    (o.kind === K_E && i.mod !== 3)
  );
}

/**
 * Whether the CF that instruction k (an inc or dec) keeps can never be seen: later in the same
 * block an instruction replaces all the flags, and nothing between (that one included) reads
 * them, touches memory or can fault, so no exception frame or exit can show the old CF. Then
 * inc and dec need not work out the incoming carry at all.
 * @param instrs the block's instructions
 * @param k index of the inc or dec
 * @returns true when the kept CF is dead
 */
export function carryDeadAfter(instrs: readonly Instr[], k: number): boolean {
  for (let n = k + 1; n < instrs.length; n++) {
    const i = instrs[n];
    if (beyondRegisters(i)) return false;
    if (writesAllFlags(i)) return true;
    if (!QUIET.has(i.op.mnemonic)) return false;
  }
  return false;
}

/**
 * The region's inner loops that can be wasm loops of their own: per member, the last member of
 * the loop it heads (-1 when it heads none). Member j heads loop j..k when some member of j..k
 * branches back to j, k is the last such member, no member of j..k ends in a call, and every
 * member after j is reached only from earlier members of j..k or itself and is no call's return
 * site (a return comes from outside the region). Then the loop has one way in, its back edges
 * branch straight to its head instead of through the region's dispatch, and its other members
 * need no entry of their own (`RegionPlan.hidden`). Loops found this way never overlap.
 */
function innerLoops(
  blocks: readonly BlockPlan[],
  edges: readonly (readonly number[])[],
  indirect: readonly (readonly number[])[],
  returnSites: readonly number[],
): number[] {
  const n = blocks.length;
  const preds: number[][] = Array.from({ length: n }, () => []);
  blocks.forEach((_, p) => {
    for (const x of new Set([...edges[p], ...indirect[p]])) preds[x].push(p);
  });
  const ends = new Array<number>(n).fill(-1);
  for (let j = 0; j < n; j++) {
    const k = Math.max(-1, ...preds[j].filter((p) => p > j));
    if (k < 0) continue;
    let single = !endsInCall(blocks[j]);
    for (let x = j + 1; x <= k && single; x++) {
      single = preds[x].every((p) => p >= j && p <= x) && !endsInCall(blocks[x]) &&
        !returnSites.includes(x);
    }
    if (single) {
      ends[j] = k;
      j = k;
    }
  }
  return ends;
}

/** `RegionPlan.hidden` of the inner loops `ends` (`RegionPlan.loopEnds`). */
function hiddenMembers(ends: readonly number[]): boolean[] {
  const hidden = new Array<boolean>(ends.length).fill(false);
  ends.forEach((k, j) => {
    for (let x = j + 1; x <= k; x++) hidden[x] = true;
  });
  return hidden;
}

/** Whether a block ends in a call (whose callee, when a member, may be called from elsewhere). */
function endsInCall(p: BlockPlan): boolean {
  return p.instrs[p.instrs.length - 1].op.mnemonic === "call";
}
