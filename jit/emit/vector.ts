/**
 * A self-loop's vector entry (`jit/vector_plan.ts` decides which loops have one): where the
 * loop is entered from outside, it first runs as many whole groups of iterations as it safely
 * can in SIMD lanes (four of 32 bits or sixteen of 8), then leaves the registers, the budget and
 * the flag record exactly as those iterations one by one would. When they were all of the
 * loop's iterations it leaves the loop as the last one's jne would; else the scalar loop goes
 * on from there.
 *
 * The groups run only when, checked once before them:
 * - linear addresses are physical (paging off), and every operand's whole range lies in RAM;
 * - every page the loop writes is writable and holds no translated code (the TLB entry a
 *   store's fast path tests), so a write that must invalidate code, or reach a device, is
 *   left to the scalar loop;
 * - no two operands (one of them written) lie 1 to 15 bytes apart, the only distances at which
 *   doing an instruction for a group's iterations before the next one reorders a write and an
 *   access of the same bytes;
 * - the counter meets its limit exactly, after no fewer iterations than the groups hold; the
 *   budget covers them and one iteration more; no stop was requested; and string instructions
 *   step forward (DF clear).
 */

import { LAZY_SUB } from "../../src/cpu/flags.ts";
import { RAM_BASE } from "../../src/cpu/state.ts";
import { OFF_VECTOR_ITERATIONS } from "../jump_cache.ts";
import type { BlockPlan } from "../plan.ts";
import {
  GROUP_BYTES,
  type VectorAccess,
  type VectorPlan,
  type VectorSource,
} from "../vector_plan.ts";
import type { EmitContext, Expr } from "./context.ts";

/**
 * Emits the vector entry of the self-loop `block` (region member `member`), whose registers are
 * all in their locals, and returns it as one statement; the context's view of registers and
 * flags must then be reset with `enterMember`. Returns null when the block's mode rules it out.
 * @param ctx the region's context, at the member's entry
 * @param plan the loop's vector plan
 * @param block the loop's block
 * @param member the loop's index in the region
 */
export function vectorEntry(
  ctx: EmitContext,
  plan: VectorPlan,
  block: BlockPlan,
  member: number,
): Expr | null {
  const { m, mode } = ctx;
  if (mode.ramEnd === 0) return null;
  if (plan.accesses.some((a) => (mode.checkedSegs & (1 << a.seg)) !== 0)) return null;
  const start = ctx.stmts.length;
  const c = (v: number) => ctx.c(v);
  const get = (l: number) => ctx.get(l);
  const n = block.instrs.length;
  const bytes = plan.size === 1;
  const lanes = GROUP_BYTES / plan.size;
  const perGroup = lanes * n;
  const lane = bytes ? m.i8x16 : m.i32x4;

  // How many groups: by the counter, the budget, RAM's size and a stop request.
  const { reg, limit, counterFirst } = plan.counter;
  const delta = plan.steps.get(reg)!;
  const step = Math.abs(delta);
  const limitExpr = () => limit.kind === "imm" ? c(limit.value) : ctx.reg32(limit.reg);
  const dist = ctx.let(
    delta > 0 ? m.i32.sub(limitExpr(), ctx.reg32(reg)) : m.i32.sub(ctx.reg32(reg), limitExpr()),
  );
  const exact = m.i32.and(
    m.i32.eqz(m.i32.rem_u(get(dist), c(step))),
    m.i32.ne(get(dist), c(0)),
  );
  const iterations = ctx.let(m.select(exact, m.i32.div_u(get(dist), c(step)), c(0)));
  const groups = ctx.let(m.i32.shr_u(get(iterations), c(Math.log2(lanes))));
  const clamp = (bound: Expr) => {
    const b = ctx.let(bound);
    ctx.emit(m.local.set(groups, m.select(m.i32.lt_u(get(b), get(groups)), get(b), get(groups))));
  };
  const budget = ctx.budgetLeft;
  clamp(m.select(
    m.i32.lt_u(get(budget), c(n)),
    c(0),
    m.i32.div_u(m.i32.sub(get(budget), c(n)), c(perGroup)),
  ));
  clamp(c(mode.ramEnd / GROUP_BYTES));
  let stop = get(ctx.stopRequested);
  // String instructions step forward only with DF clear.
  if (plan.direction) stop = m.i32.or(stop, m.i32.ne(get(ctx.direction), c(1)));
  ctx.emit(m.local.set(groups, m.select(stop, c(0), get(groups))));

  // Where each operand starts, and whether the groups may run.
  const span = ctx.let(m.i32.shl(get(groups), c(Math.log2(GROUP_BYTES))));
  const addrs = plan.accesses.map((a) => ctx.let(address(ctx, a)));
  const ok = ctx.let(m.i32.ne(get(groups), c(0)));
  const require = (cond: Expr) => ctx.emit(m.local.set(ok, m.i32.and(get(ok), cond)));
  for (const addr of addrs) {
    require(m.i32.le_u(get(addr), m.i32.sub(c(mode.ramEnd), get(span))));
  }
  plan.accesses.forEach((early, e) => {
    plan.accesses.forEach((late, l) => {
      if (l <= e || !(early.write || late.write)) return;
      const d = m.i32.sub(get(addrs[l]), get(addrs[e]));
      require(m.i32.ge_u(m.i32.sub(d, c(1)), c(GROUP_BYTES - 1)));
    });
  });
  plan.accesses.forEach((a, x) => {
    if (!a.write) return;
    const page = ctx.let(m.i32.shr_u(get(addrs[x]), c(12)));
    const last = ctx.let(
      m.i32.shr_u(m.i32.sub(m.i32.add(get(addrs[x]), get(span)), c(1)), c(12)),
    );
    const out = `vector${member}pages${x}`;
    const top = `vector${member}page${x}`;
    ctx.emit(m.if(
      get(ok),
      m.block(out, [
        m.loop(
          top,
          m.block(null, [
            m.if(
              m.i32.eqz(ctx.pageWritable(get(page))),
              m.block(null, [m.local.set(ok, c(0)), m.br(out)]),
            ),
            m.local.set(page, m.i32.add(get(page), c(1))),
            m.br(top, m.i32.le_u(get(page), get(last))),
          ]),
        ),
      ]),
    ));
  });
  const guards = ctx.stmts.splice(start);

  // The groups.
  const computed = new Map(plan.lanes.map((r) => [r, ctx.tmpV128()]));
  const stepped = [...plan.steps].filter(([, d]) => d !== 0);
  // The stepping registers' values at each group's start.
  const current = new Map(stepped.map(([r]) => [r, ctx.let(ctx.reg32(r))]));
  const hoisted: Expr[] = [];
  const splats = new Map<number, number>();
  const splat = (r: number) => {
    let l = splats.get(r);
    if (l === undefined) {
      l = ctx.tmpV128();
      splats.set(r, l);
      hoisted.push(m.local.set(l, lane.splat(ctx.reg32(r))));
    }
    return m.local.get(l, ctx.b.v128);
  };
  const vector = (src: VectorSource): Expr => {
    switch (src.kind) {
      case "lane":
        return m.local.get(computed.get(src.reg)!, ctx.b.v128);
      case "invariant":
        return splat(src.reg);
      case "imm":
        return lane.splat(c(src.value));
      case "step": {
        const d = plan.steps.get(src.reg)!;
        const first = lane.splat(m.i32.add(get(current.get(src.reg)!), c(src.offset)));
        const steps = Array.from({ length: lanes }, (_, x) => x * d);
        return lane.add(first, laneConst(m, plan.size, steps));
      }
      case "mem":
        return m.v128.load(RAM_BASE, plan.size, get(addrs[src.access]));
    }
  };
  const body: Expr[] = [];
  for (const op of plan.ops) {
    const a = vector(op.a);
    let v: Expr;
    switch (op.kind) {
      case "mov":
        v = a;
        break;
      case "not":
        v = m.v128.not(a);
        break;
      case "neg":
        v = lane.neg(a);
        break;
      case "shl":
      case "shr":
      case "sar": {
        const count = c(op.b!.kind === "imm" ? op.b!.value & 31 : 0);
        v = op.kind === "shl"
          ? lane.shl(a, count)
          : op.kind === "shr"
          ? lane.shr_u(a, count)
          : lane.shr_s(a, count);
        break;
      }
      default: {
        const b = vector(op.b!);
        const f = {
          add: lane.add,
          sub: lane.sub,
          mul: m.i32x4.mul, // 8-bit loops have no multiply (vector_plan.ts)
          and: m.v128.and,
          or: m.v128.or,
          xor: m.v128.xor,
        }[op.kind];
        v = f(a, b);
      }
    }
    body.push(
      op.dst.kind === "lane"
        ? m.local.set(computed.get(op.dst.reg)!, v)
        : m.v128.store(RAM_BASE, plan.size, get(addrs[op.dst.access]), v),
    );
  }
  for (const addr of addrs) body.push(m.local.set(addr, m.i32.add(get(addr), c(GROUP_BYTES))));
  for (const [r, d] of stepped) {
    const l = current.get(r)!;
    body.push(m.local.set(l, m.i32.add(get(l), c(lanes * d))));
  }
  const left = ctx.let(get(groups));
  body.push(m.local.set(left, m.i32.sub(get(left), c(1))));
  body.push(m.br(`vector${member}`, get(left)));
  const setup = ctx.stmts.splice(start);

  // After them: registers, budget and flags as the iterations one by one leave them.
  for (const [r, d] of stepped) {
    ctx.setReg32(r, m.i32.add(ctx.reg32(r), m.i32.mul(get(groups), c(lanes * d))));
  }
  const last = (lanes - 1) as unknown as Expr;
  for (const [r, l] of computed) {
    const v = m.local.get(l, ctx.b.v128);
    if (bytes) ctx.writeReg(r, 1, m.i8x16.extract_lane_u(v, last));
    else ctx.setReg32(r, m.i32x4.extract_lane(v, last));
  }
  ctx.emit(m.local.set(budget, m.i32.sub(get(budget), m.i32.mul(get(groups), c(perGroup)))));
  const counter = ctx.let(ctx.reg32(reg));
  const bound = ctx.let(limitExpr());
  const [fa, fb] = counterFirst ? [counter, bound] : [bound, counter];
  const res = ctx.let(m.i32.sub(get(fa), get(fb)));
  ctx.setFlags(LAZY_SUB, 4, fa, fb, res);
  const ran = m.i32.shl(get(groups), c(Math.log2(lanes)));
  ctx.emit(m.i32.store(
    OFF_VECTOR_ITERATIONS,
    4,
    c(0),
    m.i32.add(m.i32.load(OFF_VECTOR_ITERATIONS, 4, c(0)), ran),
  ));
  // The groups ran the last iteration: leave as its jne would, not taken. That edge charges
  // the iteration's instructions to the budget, as the scalar loop's edge would.
  const exitAt = ctx.stmts.length;
  ctx.emit(m.local.set(budget, m.i32.add(get(budget), c(n))));
  ctx.k = n - 1; // the edge counts the block as retired up to its last instruction
  ctx.emit(ctx.branchTo(block.eips[n]));
  const exit = ctx.stmts.splice(exitAt);
  ctx.emit(m.if(m.i32.eqz(get(res)), m.block(null, exit)));
  ctx.handFlagsTo(member);
  const after = ctx.stmts.splice(start);
  return m.block(null, [
    ...guards,
    m.if(
      get(ok),
      m.block(null, [
        ...setup,
        ...hoisted,
        m.loop(`vector${member}`, m.block(null, body)),
        ...after,
      ]),
    ),
  ]);
}

/** The linear address of an operand in the iteration's first lane, from the registers now. */
function address(ctx: EmitContext, a: VectorAccess): Expr {
  const m = ctx.m;
  let sum: Expr = ctx.c(a.disp);
  for (const t of a.terms) {
    const r = ctx.reg32(t.reg);
    sum = m.i32.add(sum, t.mul === 1 ? r : m.i32.mul(r, ctx.c(t.mul)));
  }
  return ctx.linear(a.seg, sum);
}

/** A v128 constant of lanes of `size` bytes. */
function laneConst(m: EmitContext["m"], size: 1 | 4, lanes: readonly number[]): Expr {
  const bytes = size === 1
    ? Uint8Array.from(lanes, (v) => v & 0xff)
    : new Uint8Array(Int32Array.from(lanes, (v) => v | 0).buffer);
  return m.v128.const(Array.from(bytes));
}
