/**
 * Block discovery for the JIT: decodes guest code from an entry point into a plan (the decoded
 * instructions with their addresses) without touching binaryen, so it can be tested alone.
 *
 * A block ends after an instruction whose opcode row has F_END (control transfers, mode
 * changes, monitor calls), before an instruction that starts past `maxStart` (the entry's page
 * end, for the engine) or that the reader refuses or cannot decode (the interpreter then runs
 * it and raises any fault), or at a length limit. The reader decides whether the last
 * instruction may run on into the next page.
 */

import type { CodeReader } from "../src/cpu/decode/decode.ts";
import { decode } from "../src/cpu/decode/decode.ts";
import { Instr } from "../src/cpu/decode/instr.ts";
import { K_J } from "../src/cpu/decode/operand.ts";
import { F_END } from "../src/cpu/decode/table.ts";

/** Default upper bound on the instructions in one block. */
export const MAX_BLOCK_INSTRS = 64;

/** A decoded block, ready for translation. */
export interface BlockPlan {
  /** EIP of the first instruction. */
  readonly entryEip: number;
  /** The instructions in order; the interpreter handlers run on these objects for callouts. */
  readonly instrs: readonly Instr[];
  /** `eips[k]` is the EIP of instruction k; `eips[instrs.length]` is the EIP after the last. */
  readonly eips: readonly number[];
  /** The last instruction ends the block by itself (F_END); else the block falls through. */
  readonly endsWithEnd: boolean;
  /** The last instruction is a relative jump (not a call) whose target is the block's entry. */
  readonly selfLoop: boolean;
  /** Code bytes the block covers, from the entry. */
  readonly byteLength: number;
  /**
   * Set when the last instruction runs past the entry's page into the next one: that page's
   * linear page number and the host page its bytes were read from. The translation checks the
   * TLB still maps one to the other before running the instruction.
   */
  readonly nextPage?: { readonly lin: number; readonly host: number };
}

/** Thrown by a plan reader when a fetch leaves the region the block may cover. */
export class PlanBoundary extends Error {
  /** @param message why the fetch stopped */
  constructor(message = "block boundary") {
    super(message);
    this.name = "PlanBoundary";
  }
}

/**
 * Decodes a block starting at `entryEip`.
 * @param reader fetches code bytes; it throws (a CpuFault or PlanBoundary) past what may be read
 * @param entryEip EIP of the first instruction
 * @param code32 the code segment's default size is 32 bits
 * @param maxInstrs upper bound on the block length
 * @param maxStart bytes from the entry past which no instruction may start (one starting
 * before may run past it, as far as the reader allows)
 * @returns the plan, or null when not even the first instruction decodes
 * @example Planning a two-instruction block
 * ```ts
 * import assert from "node:assert/strict";
 * import { planBlock } from "./plan.ts";
 * const code = [0x40, 0xc3]; // inc eax; ret
 * const plan = planBlock({ fetch8: (eip) => code[eip] }, 0, true);
 * assert.equal(plan?.instrs.length, 2);
 * assert.deepEqual(plan?.eips, [0, 1, 2]);
 * ```
 */
export function planBlock(
  reader: CodeReader,
  entryEip: number,
  code32: boolean,
  maxInstrs = MAX_BLOCK_INSTRS,
  maxStart = Infinity,
): BlockPlan | null {
  const instrs: Instr[] = [];
  const eips: number[] = [entryEip];
  let eip = entryEip;
  let ended = false;
  while (instrs.length < maxInstrs) {
    if ((code32 ? (eip - entryEip) >>> 0 : (eip - entryEip) & 0xffff) >= maxStart) break;
    let i: Instr;
    try {
      i = decode(reader, eip, code32, new Instr());
    } catch {
      break; // a fault or the page end: the interpreter runs this instruction
    }
    const next = code32 ? (eip + i.length) | 0 : (eip + i.length) & 0xffff;
    if (!code32 && eip + i.length > 0x10000) break; // wraps inside CS: not contiguous
    instrs.push(i);
    eips.push(next);
    eip = next;
    if ((i.op.flags & F_END) !== 0) {
      ended = true;
      break;
    }
  }
  if (instrs.length === 0) return null;
  const last = instrs[instrs.length - 1];
  const selfLoop = ended && last.op.mnemonic !== "call" &&
    branchTarget(last, eips[eips.length - 1]) === entryEip;
  return {
    entryEip,
    instrs,
    eips,
    endsWithEnd: ended,
    selfLoop,
    byteLength: code32 ? (eip - entryEip) >>> 0 : (eip - entryEip) & 0xffff,
  };
}

/**
 * Target EIP of a relative near branch (jmp, jcc, loop, jcxz, call), or -1 for anything else.
 * @param i the branch
 * @param next EIP after the branch
 * @returns the target, masked to 16 bits for 16-bit operand size
 */
export function branchTarget(i: Instr, next: number): number {
  const ops = i.op.operands;
  if (ops.length !== 1 || ops[0].kind !== K_J) return -1;
  const t = next + i.imm;
  return i.o32 ? t | 0 : t & 0xffff;
}
