/**
 * The jump cache: a direct-mapped table in the JIT's scratch area of the shared memory that
 * compiled blocks consult to chain to their successor without returning to the JS dispatcher
 * (DESIGN.md §5: `return_call_indirect` through one shared table costs under 1 ns, a return to
 * the dispatcher about 8 ns plus the lookup).
 *
 * A slot holds four i32 words: the successor's entry host address, its entry EIP, its mode key
 * with its length in the high half, and its index in the shared function table. The JS side
 * fills slots when blocks are compiled or found; any invalidation clears the whole table, so a
 * slot never names a stale block.
 */

import { OFF_JIT_AREA, OFF_MMU_AREA } from "../src/cpu/state.ts";

/** Byte offset of the jump cache in the shared memory. */
export const JC_BASE = OFF_JIT_AREA;
/** Number of slots (a power of two). */
export const JC_SLOTS = 8192;
/** Bytes per slot. */
export const JC_SLOT_BYTES = 16;
/**
 * A word after the slots: set to 1 by a block that left before an instruction its inline fast
 * path could not do (a TLB miss, MMIO, a write to translated code, a page crossing), so the
 * dispatcher runs that one instruction in the interpreter, then goes on.
 */
export const OFF_INTERPRET_NEXT = JC_BASE + JC_SLOTS * JC_SLOT_BYTES;
/**
 * A word after that: set to 1 by a slow-path read in JS when the run loop asked for attention
 * (a device read), and read and cleared by the page walker's `stopped` (jit/page_walk.ts).
 */
export const OFF_READ_STOP = OFF_INTERPRET_NEXT + 4;
/**
 * A word after that: loop iterations run in SIMD lanes (`emit/vector.ts`), added to by compiled
 * code, read and cleared by the engine for its statistics.
 */
export const OFF_VECTOR_ITERATIONS = OFF_READ_STOP + 4;
/** Bits of a slot's mode-and-length word that hold the mode key; the length sits above. */
export const MODE_BITS = 24;
/** Word offsets inside a slot. */
export const JC_HOST = 0;
/** Entry EIP word. */
export const JC_EIP = 4;
/** Mode key (low 16 bits) and block length (high 16 bits) word. */
export const JC_MODE_LEN = 8;
/** Function table index word. */
export const JC_INDEX = 12;

if (OFF_VECTOR_ITERATIONS + 4 > OFF_MMU_AREA) {
  throw new RangeError("Cannot place the jump cache: the JIT area is smaller than it");
}

/**
 * Slot number of an entry host address; the same hash is emitted in wasm by the chain helper.
 * @param host host address of a block entry
 * @returns the slot index
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JC_SLOTS, jumpSlot } from "./jump_cache.ts";
 * assert.ok(jumpSlot(0x80_1234) < JC_SLOTS);
 * ```
 */
export function jumpSlot(host: number): number {
  return (host ^ (host >>> 12)) & (JC_SLOTS - 1);
}

/** The JS view of the jump cache. */
export class JumpCache {
  readonly #i32: Int32Array;

  /** @param i32 an Int32Array over the whole shared memory */
  constructor(i32: Int32Array) {
    this.#i32 = i32;
    this.clear();
  }

  /**
   * Makes `host`/`eip` in mode `mode` chain to table index `index`.
   * @param host entry host address
   * @param eip entry EIP
   * @param mode the block's mode key (below 2^MODE_BITS)
   * @param length the block's instruction count (the budget a chained call needs, below 256)
   * @param index the block's index in the shared function table
   */
  put(host: number, eip: number, mode: number, length: number, index: number): void {
    const w = (JC_BASE >> 2) + jumpSlot(host) * (JC_SLOT_BYTES >> 2);
    const a = this.#i32;
    a[w] = host;
    a[w + 1] = eip;
    a[w + 2] = mode | (length << MODE_BITS);
    a[w + 3] = index;
  }

  /** Whether the slot of `host` already names table index `index`. */
  holds(host: number, index: number): boolean {
    const w = (JC_BASE >> 2) + jumpSlot(host) * (JC_SLOT_BYTES >> 2);
    return this.#i32[w] === (host | 0) && this.#i32[w + 3] === index;
  }

  /** Empties every slot (host 0 is never a block entry: RAM starts at RAM_BASE). */
  clear(): void {
    const w = JC_BASE >> 2;
    this.#i32.fill(0, w, w + JC_SLOTS * (JC_SLOT_BYTES >> 2));
  }
}
