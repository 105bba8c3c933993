/**
 * Which self-loops run a group of iterations at a time in WebAssembly SIMD lanes, and how: a pure
 * analysis of a block's decoded instructions, tested alone (the code it leads to is
 * `emit/vector.ts`).
 *
 * A loop qualifies when its block branches back to its own entry with `cmp; jne`, one side of
 * the cmp a register that steps by a constant every iteration (the counter) and the other a
 * constant or a register the loop never writes; every other instruction is a constant step of
 * a register or integer work of one element size, 32-bit or 8-bit (mov, add, sub, and, or,
 * xor, imul, shifts by a constant, not, neg, inc, dec, and movs, stos, lods stepping forward)
 * on registers and on memory whose address advances by exactly one element an iteration; and
 * no register carries a value from one iteration into the next except through such steps. Then
 * iteration t+1 depends on iteration t only through memory, which the run-time guards check
 * (`emit/vector.ts`): a group of iterations done as one, instruction by instruction across
 * its lanes (four 32-bit or sixteen 8-bit ones), leaves what they leave done one after another.
 */

import type { Instr } from "../src/cpu/decode/instr.ts";
import { REP_NONE } from "../src/cpu/decode/instr.ts";
import { K_E, K_G, K_I, K_M, K_ONE, K_REG, K_Z } from "../src/cpu/decode/operand.ts";
import { DS, EAX, EDI, ES, ESI, ESP } from "../src/cpu/state.ts";
import type { BlockPlan } from "./plan.ts";

/** Bytes of a vector: each group of iterations moves every memory operand by this much. */
export const GROUP_BYTES = 16;
/** The condition code of jne (low nibble of the jcc opcode). */
const CC_NE = 5;
/** String instructions a body may hold (without REP): each steps ESI, EDI or both. */
const STRINGS = new Set(["movs", "stos", "lods"]);

/** A value an operation of the loop body reads. */
export type VectorSource =
  /** A register computed earlier in the same iteration: one value per lane. */
  | { readonly kind: "lane"; readonly reg: number }
  /** A register the loop never writes: one value for all lanes. */
  | { readonly kind: "invariant"; readonly reg: number }
  /** A stepping register, `offset` past its value at the iteration's start. */
  | { readonly kind: "step"; readonly reg: number; readonly offset: number }
  /** A constant. */
  | { readonly kind: "imm"; readonly value: number }
  /** A memory operand (an index into `VectorPlan.accesses`). */
  | { readonly kind: "mem"; readonly access: number };

/** Where an operation's result goes. */
export type VectorTarget =
  | { readonly kind: "lane"; readonly reg: number }
  | { readonly kind: "mem"; readonly access: number };

/** Lane-wise operations. */
export type VectorOpKind =
  | "mov"
  | "add"
  | "sub"
  | "and"
  | "or"
  | "xor"
  | "mul"
  | "shl"
  | "shr"
  | "sar"
  | "not"
  | "neg";

/** One body instruction as a lane-wise operation: `dst = a op b` (`a` alone for mov, not, neg). */
export interface VectorOp {
  readonly kind: VectorOpKind;
  readonly dst: VectorTarget;
  readonly a: VectorSource;
  readonly b?: VectorSource;
}

/**
 * A memory operand of the body: its address in the iteration's first lane is the segment base
 * plus `disp` plus each term's register (as it was at the iteration's start) times `mul`.
 */
export interface VectorAccess {
  /** Index of its instruction in the block. */
  readonly k: number;
  readonly seg: number;
  readonly disp: number;
  readonly terms: readonly { readonly reg: number; readonly mul: number }[];
  readonly read: boolean;
  readonly write: boolean;
}

/** How to run a self-loop a group of iterations at a time. */
export interface VectorPlan {
  /** Bytes of each element (1 or 4): a group is `GROUP_BYTES / size` iterations, one per lane. */
  readonly size: 1 | 4;
  /** The body steps ESI or EDI by string instructions, which step forward only with DF clear. */
  readonly direction: boolean;
  /** The body's operations, in order. */
  readonly ops: readonly VectorOp[];
  /** The body's memory operands, in order. */
  readonly accesses: readonly VectorAccess[];
  /** Per stepping register, what one iteration adds to it. */
  readonly steps: ReadonlyMap<number, number>;
  /**
   * Registers the body computes (their low byte, with 8-bit elements): after a run, each holds
   * its last lane.
   */
  readonly lanes: readonly number[];
  /** The loop's test `cmp counter, limit` (or `cmp limit, counter` with `counterFirst` false). */
  readonly counter: {
    readonly reg: number;
    readonly limit: Extract<VectorSource, { kind: "imm" | "invariant" }>;
    readonly counterFirst: boolean;
  };
}

/** Thrown inside the analysis when the loop does not qualify. */
class NotVector extends Error {}

function reject(): never {
  throw new NotVector();
}

/** The general register operand n of `i` names, or -1 when it is memory or not a register. */
function regOf(i: Instr, n: number): number {
  const spec = i.op.operands[n];
  if (spec === undefined) return -1;
  switch (spec.kind) {
    case K_E:
      return i.mod === 3 ? i.rm : -1;
    case K_G:
      return i.reg;
    case K_Z:
      return i.rm;
    case K_REG:
      return spec.reg;
  }
  return -1;
}

/** Whether operand n of `i` is a memory operand of the ModRM kind. */
function isMem(i: Instr, n: number): boolean {
  const kind = i.op.operands[n]?.kind;
  return (kind === K_E || kind === K_M) && i.mod !== 3;
}

/** Whether operand n of `i` is an immediate (or the constant 1 of a shift). */
function immOf(i: Instr, n: number): number | null {
  const kind = i.op.operands[n]?.kind;
  if (kind === K_I) return i.imm | 0;
  if (kind === K_ONE) return 1;
  return null;
}

/**
 * What `i` adds to its register when it is a constant step (inc, dec, add or sub of a constant,
 * `lea r, [r + disp]`), else null.
 */
function stepOf(i: Instr): { reg: number; by: number } | null {
  if (i.size1 !== 4) return null;
  const name = i.op.mnemonic;
  const r = regOf(i, 0);
  if (r < 0) return null;
  if (name === "inc" || name === "dec") return { reg: r, by: name === "inc" ? 1 : -1 };
  if ((name === "add" || name === "sub") && i.op.operands[1].kind === K_I) {
    return { reg: r, by: name === "add" ? i.imm | 0 : -(i.imm | 0) };
  }
  if (name === "lea" && i.index < 0 && i.base === r) return { reg: r, by: i.disp | 0 };
  return null;
}

const BINARY: Readonly<Record<string, VectorOpKind>> = {
  add: "add",
  sub: "sub",
  and: "and",
  or: "or",
  xor: "xor",
  imul2: "mul",
  shl: "shl",
  sal: "shl",
  shr: "shr",
  sar: "sar",
};

/**
 * Plans running a self-loop a group of iterations at a time, or says it cannot.
 * @param plan the loop's block (it branches back to its own entry)
 * @returns the plan, or null when the loop does not qualify
 * @example The inner loop of an integer matrix product
 * ```ts
 * import assert from "node:assert/strict";
 * import { planBlock } from "./plan.ts";
 * import { planVector } from "./vector_plan.ts";
 * // top: mov edx,[esi+eax*4+0x5000]; imul edx,edi; add [ecx+eax*4+0x6000],edx;
 * //      inc eax; cmp eax,64; jne top
 * const code = [
 *   0x8b, 0x94, 0x86, 0x00, 0x50, 0x00, 0x00, 0x0f, 0xaf, 0xd7,
 *   0x01, 0x94, 0x81, 0x00, 0x60, 0x00, 0x00, 0x40, 0x83, 0xf8, 0x40, 0x75, 0xe9,
 * ];
 * const loop = planBlock({ fetch8: (e) => code[e] }, 0, true)!;
 * const v = planVector(loop)!;
 * assert.deepEqual(v.ops.map((op) => op.kind), ["mov", "mul", "add"]);
 * assert.equal(v.steps.get(0), 1);
 * ```
 */
export function planVector(plan: BlockPlan): VectorPlan | null {
  try {
    return analyse(plan);
  } catch (e) {
    if (e instanceof NotVector) return null;
    throw e;
  }
}

function analyse(plan: BlockPlan): VectorPlan {
  const instrs = plan.instrs;
  const n = instrs.length;
  if (!plan.selfLoop || n < 3) reject();
  const jump = instrs[n - 1];
  const test = instrs[n - 2];
  if (jump.op.mnemonic !== "jcc" || (jump.opcode & 0xf) !== CC_NE) reject();
  if (test.op.mnemonic !== "cmp" || test.size1 !== 4) reject();
  const body = instrs.slice(0, n - 2);
  for (const i of body) {
    if (i.rep !== REP_NONE || i.lock || !i.a32) reject();
  }
  // The element size: that of the body's work other than steps (all of it the same).
  let size = 0;
  for (const i of body) {
    const name = i.op.mnemonic;
    if (name === "nop" || stepOf(i) !== null) continue;
    if (size === 0) size = i.size1;
    else if (i.size1 !== size) reject();
  }
  if (size !== 1 && size !== 4) reject();

  // Stepping registers are written only by constant steps; every other written one is a lane.
  const stepping = new Set<number>();
  const computed = new Set<number>();
  for (const i of body) {
    const name = i.op.mnemonic;
    if (STRINGS.has(name)) {
      if (name !== "stos") stepping.add(ESI);
      if (name !== "lods") stepping.add(EDI);
      if (name === "lods") computed.add(EAX);
      continue;
    }
    if (name === "nop" || name === "cmp" || name === "test") continue;
    const r = regOf(i, 0);
    if (r < 0) continue;
    if (stepOf(i) !== null) stepping.add(r);
    else computed.add(r);
  }
  for (const r of computed) stepping.delete(r);
  if (size === 1 && [...computed].some((r) => r >= 4)) reject(); // AH..BH: no low byte of theirs
  if (stepping.has(ESP) || computed.has(ESP)) reject(); // leave the stack alone

  const offsets = new Map<number, number>([...stepping].map((r) => [r, 0]));
  const written = new Set<number>();
  const ops: VectorOp[] = [];
  const accesses: VectorAccess[] = [];
  let direction = false;

  const source = (r: number): VectorSource => {
    if (size === 1 && r >= 4) reject(); // AH..BH: not a register's low byte
    if (stepping.has(r)) return { kind: "step", reg: r, offset: offsets.get(r)! };
    if (!computed.has(r)) return { kind: "invariant", reg: r };
    if (!written.has(r)) reject(); // read before written: carried from the last iteration
    return { kind: "lane", reg: r };
  };
  const at = (
    k: number,
    seg: number,
    disp: number,
    regs: [number, number][],
    read: boolean,
    write: boolean,
  ) => {
    const terms: { reg: number; mul: number }[] = [];
    for (const [reg, mul] of regs) {
      if (computed.has(reg)) reject(); // an address must not differ between lanes but by the stride
      disp = (disp + mul * (offsets.get(reg) ?? 0)) | 0;
      const t = terms.find((x) => x.reg === reg);
      if (t === undefined) terms.push({ reg, mul });
      else t.mul += mul;
    }
    accesses.push({ k, seg, disp, terms, read, write });
    return accesses.length - 1;
  };
  /** A ModRM operand read, or read and written (`write`). */
  const access = (i: Instr, k: number, write: boolean): number =>
    at(k, i.seg, i.disp | 0, addressRegs(i), true, write);
  const operand = (i: Instr, k: number, n: number, write = false): VectorSource => {
    if (isMem(i, n)) return { kind: "mem", access: access(i, k, write) };
    const imm = immOf(i, n);
    if (imm !== null) return { kind: "imm", value: imm };
    const r = regOf(i, n);
    if (r < 0) reject();
    return source(r);
  };
  const laneOf = (r: number): VectorTarget => {
    if (r < 0 || (size === 1 && r >= 4)) reject();
    written.add(r);
    return { kind: "lane", reg: r };
  };
  const target = (i: Instr, a: VectorSource): VectorTarget =>
    a.kind === "mem" ? { kind: "mem", access: a.access } : laneOf(regOf(i, 0));
  const advance = (r: number) => offsets.set(r, offsets.get(r)! + size);

  body.forEach((i, k) => {
    const name = i.op.mnemonic;
    if (name === "nop") return;
    const step = stepOf(i);
    if (step !== null && stepping.has(step.reg)) {
      offsets.set(step.reg, (offsets.get(step.reg)! + step.by) | 0);
      return;
    }
    // Other work of another width, a step-shaped one of a computed register included (its
    // carry out of the low byte would be lost in an 8-bit lane).
    if (name !== "cmp" && name !== "test" && i.size1 !== size) reject();
    if (STRINGS.has(name)) {
      // Forward only (checked at run time): the source is DS:ESI (or the override), the
      // destination ES:EDI.
      direction = true;
      if ((name !== "stos" && !stepping.has(ESI)) || (name !== "lods" && !stepping.has(EDI))) {
        reject();
      }
      const from = i.segOverride >= 0 ? i.segOverride : DS;
      const a: VectorSource = name === "stos"
        ? source(EAX)
        : { kind: "mem", access: at(k, from, 0, [[ESI, 1]], true, false) };
      if (name === "lods") {
        ops.push({ kind: "mov", dst: laneOf(EAX), a });
        advance(ESI);
        return;
      }
      ops.push({
        kind: "mov",
        dst: { kind: "mem", access: at(k, ES, 0, [[EDI, 1]], false, true) },
        a,
      });
      if (name === "movs") advance(ESI);
      advance(EDI);
      return;
    }
    if (name === "cmp" || name === "test") {
      // Only flags, which the loop's own cmp replaces: nothing to do unless it reads memory.
      if (isMem(i, 0) || isMem(i, 1)) reject();
      return;
    }
    if (name === "mov") {
      const a = operand(i, k, 1);
      const dst = isMem(i, 0)
        ? { kind: "mem" as const, access: at(k, i.seg, i.disp | 0, addressRegs(i), false, true) }
        : laneOf(regOf(i, 0));
      ops.push({ kind: "mov", dst, a });
      return;
    }
    const zeroIdiom = (name === "xor" || name === "sub") && !isMem(i, 0) &&
      regOf(i, 0) === regOf(i, 1);
    if (zeroIdiom) {
      ops.push({ kind: "mov", dst: laneOf(regOf(i, 0)), a: { kind: "imm", value: 0 } });
      return;
    }
    if (name === "imul3") {
      const a = operand(i, k, 1);
      const b = operand(i, k, 2);
      ops.push({ kind: "mul", dst: laneOf(regOf(i, 0)), a, b });
      return;
    }
    if (name === "not" || name === "neg" || name === "inc" || name === "dec") {
      const a = operand(i, k, 0, true);
      const dst = target(i, a);
      if (name === "not" || name === "neg") ops.push({ kind: name, dst, a });
      else ops.push({ kind: name === "inc" ? "add" : "sub", dst, a, b: { kind: "imm", value: 1 } });
      return;
    }
    const kind = BINARY[name];
    if (kind === undefined) reject();
    if (kind === "shl" || kind === "shr" || kind === "sar") {
      // By CL the count may differ between lanes; an 8-bit lane shifts by its count mod 8.
      const count = immOf(i, 1);
      if (count === null || (count & 31) >= size * 8) reject();
    }
    const a = operand(i, k, 0, true);
    const b = operand(i, k, 1);
    if (a.kind === "mem" && b.kind === "mem") reject();
    ops.push({ kind, dst: target(i, a), a, b });
  });
  if (size === 1 && ops.some((op) => op.kind === "mul")) reject(); // no 8-bit lane multiply

  const steps = new Map<number, number>();
  for (const r of stepping) steps.set(r, offsets.get(r)!);
  for (const a of accesses) {
    let stride = 0;
    for (const t of a.terms) stride += t.mul * (steps.get(t.reg) ?? 0);
    if (stride !== size) reject();
  }
  if (!accesses.some((a) => a.write)) reject();

  // The loop's test: a counter against a constant or an untouched register.
  const left = regOf(test, 0);
  const right = regOf(test, 1);
  const imm = immOf(test, 1);
  const counting = (r: number) => r >= 0 && (steps.get(r) ?? 0) !== 0;
  const limitOf = (r: number): VectorPlan["counter"]["limit"] => {
    if (r < 0 || stepping.has(r) || computed.has(r)) reject();
    return { kind: "invariant", reg: r };
  };
  let counter: VectorPlan["counter"];
  if (counting(left)) {
    const limit = imm !== null ? { kind: "imm" as const, value: imm } : limitOf(right);
    counter = { reg: left, limit, counterFirst: true };
  } else if (counting(right)) {
    counter = { reg: right, limit: limitOf(left), counterFirst: false };
  } else reject();

  return { size, direction, ops, accesses, steps, lanes: [...computed], counter };
}

/** The registers of `i`'s ModRM address with their multipliers. */
function addressRegs(i: Instr): [number, number][] {
  const regs: [number, number][] = [];
  if (i.base >= 0) regs.push([i.base, 1]);
  if (i.index >= 0) regs.push([i.index, 1 << i.scale]);
  return regs;
}
