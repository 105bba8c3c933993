/**
 * Translation of planned blocks to one WebAssembly module: one function per block, guest state
 * accessed with absolute loads and stores into the imported shared memory, and a host callout to
 * the interpreter handler for every instruction not translated inline (DESIGN.md §5).
 *
 * Each block function takes the instruction budget left and returns the instructions it
 * retired, with EIP stored. A block whose last instruction jumps to its own entry is a wasm loop
 * that returns when the budget would be exceeded.
 */

import { MISSING_MNEMONICS } from "../src/cpu/interp/dispatch.ts";
import { F_END } from "../src/cpu/decode/table.ts";
import type { Instr } from "../src/cpu/decode/instr.ts";
import { ALU_EMITTERS } from "./emit/alu.ts";
import { type Binaryen, type BlockMode, EmitContext, HOST } from "./emit/context.ts";
import { CONTROL_EMITTERS, LOOP_LABEL, nearBranchInlinable } from "./emit/control.ts";
import { DATA_EMITTERS } from "./emit/data.ts";
import type { Emitter } from "./emit/emitter.ts";
import { SHIFT_EMITTERS } from "./emit/shift.ts";
import { STACK_EMITTERS } from "./emit/stack.ts";
import type { BlockPlan } from "./plan.ts";

/** Name of the imported shared memory (module "e"). */
export const MEMORY_IMPORT = "mem";

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
  }).filter(([mnemonic]) => !MISSING_MNEMONICS.includes(mnemonic)),
);

/** One block to translate. */
export interface BlockSource {
  /** The decoded block. */
  readonly plan: BlockPlan;
  /** The CPU mode it runs in. */
  readonly mode: BlockMode;
}

/** A translated batch of blocks. */
export interface Translation {
  /** The module binary; block j is exported as `b<j>`. */
  readonly binary: Uint8Array;
  /** Per block, how many of its instructions were translated inline. */
  readonly inlined: readonly number[];
}

/** Mnemonics whose self-targeting form becomes a wasm loop. */
const LOOPING = new Set(["jmp", "jcc", "loop", "jcxz"]);

function loops(plan: BlockPlan, mode: BlockMode): boolean {
  const last: Instr = plan.instrs[plan.instrs.length - 1];
  const mnemonic = last.op.mnemonic;
  return plan.selfLoop && LOOPING.has(mnemonic) && INLINE_EMITTERS.has(mnemonic) &&
    nearBranchInlinable(mode, last) &&
    (last.a32 || mnemonic === "jmp" || mnemonic === "jcc");
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
        b.Features.MutableGlobals | b.Features.Multivalue,
    );
    m.setMemory(1, 65536, null, [], false, false, "0");
    m.addMemoryImport("0", "e", MEMORY_IMPORT);
    const i32 = b.i32;
    const t = (n: number) => b.createType(new Array(n).fill(i32));
    m.addFunctionImport(HOST.callout, "h", HOST.callout, t(2), i32);
    m.addFunctionImport(HOST.cond, "h", HOST.cond, i32, i32);
    m.addFunctionImport(HOST.cf, "h", HOST.cf, b.none, i32);
    for (const name of ["rd1", "rd2", "rd4"]) m.addFunctionImport(name, "h", name, t(3), i32);
    for (const name of ["wr1", "wr2", "wr4"]) m.addFunctionImport(name, "h", name, t(4), i32);
    const inlined: number[] = [];
    blocks.forEach((src, j) => {
      const { body, vars, count } = translateBlock(b, m, src.plan, src.mode);
      m.addFunction(`b${j}`, i32, i32, vars, body);
      m.addFunctionExport(`b${j}`, `b${j}`);
      inlined.push(count);
    });
    if (validate && !m.validate()) throw new Error("Cannot translate blocks: invalid module");
    return { binary: m.emitBinary(), inlined };
  } finally {
    m.dispose();
  }
}

function translateBlock(
  b: Binaryen,
  m: InstanceType<Binaryen["Module"]>,
  plan: BlockPlan,
  mode: BlockMode,
): { body: number; vars: number[]; count: number } {
  const loop = loops(plan, mode);
  const ctx = new EmitContext(b, m, plan, mode, loop);
  let preamble: number[] = [];
  if (loop) {
    ctx.loadAll();
    preamble = ctx.stmts.splice(0);
  }
  const n = plan.instrs.length;
  let count = 0;
  let lastInline = false;
  for (let k = 0; k < n; k++) {
    const i = plan.instrs[k];
    ctx.begin(k);
    const emitter = INLINE_EMITTERS.get(i.op.mnemonic);
    lastInline = emitter !== undefined && emitter(ctx, i);
    if (lastInline) count++;
    else ctx.callout();
    ctx.end();
  }
  const last = plan.instrs[n - 1];
  if ((last.op.flags & F_END) === 0) ctx.emit(m.block(null, ctx.exitTo(ctx.c(plan.eips[n]))));
  else if (!lastInline) ctx.emit(m.return(ctx.doneAfter()));
  const stmts = ctx.stmts;
  const body = loop
    ? m.block(null, [...preamble, m.loop(LOOP_LABEL, m.block(null, stmts)), m.unreachable()])
    : m.block(null, [...stmts, m.unreachable()]);
  return { body, vars: ctx.varTypes, count };
}
