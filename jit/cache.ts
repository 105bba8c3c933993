/**
 * The translated-block cache: blocks keyed by the host address of their entry (the guest
 * physical address plus the memory's RAM base, so every alias of a page finds the same code)
 * and checked against the entry EIP and the mode bits they were compiled for. Blocks are indexed
 * by physical page so a write to a code page invalidates exactly its blocks.
 */

import type { BlockPlan } from "./plan.ts";

/** A compiled block as the run loop sees it. */
export interface CompiledBlock {
  /** Its index in the shared function table (names it in host calls and the jump cache). */
  readonly id: number;
  /** The decoded block (callouts run the interpreter handlers on its Instr objects). */
  readonly plan: BlockPlan;
  /** Host address of the entry in the shared memory. */
  readonly host: number;
  /**
   * Physical pages holding the code of the function it enters (its own page, and for a region
   * member every member's page), whose writes invalidate it; none for ROM (never written).
   */
  readonly pages: readonly number[];
  /** `modeKey()` of the mode it was compiled for. */
  readonly mode: number;
  /** Number of instructions (the budget one call needs at least). */
  readonly length: number;
  /**
   * Runs the block (and the blocks it chains to) with `budget` the most instructions to retire
   * and `done` those already retired in this dispatch (0 from the dispatcher); returns the
   * retired count including `done`.
   */
  readonly fn: (budget: number, done: number) => number;
  /** Cleared when a write to its page invalidates it. */
  valid: boolean;
  /** The next block with the same entry host address (another EIP alias or mode). */
  next: CompiledBlock | null;
}

/** Translated blocks by entry, bounded in number. */
export class BlockCache {
  readonly #byHost = new Map<number, CompiledBlock>();
  readonly #byPage = new Map<number, CompiledBlock[]>();
  #size = 0;

  /** Number of valid blocks held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Finds the block for an entry.
   * @param host host address of the entry
   * @param eip the entry EIP
   * @param mode the current `modeKey()`
   * @returns the block, or undefined
   */
  lookup(host: number, eip: number, mode: number): CompiledBlock | undefined {
    let b: CompiledBlock | null = this.#byHost.get(host) ?? null;
    while (b !== null) {
      if (b.plan.entryEip === eip && b.mode === mode) return b;
      b = b.next;
    }
    return undefined;
  }

  /** Adds a block (replacing one with the same entry, EIP and mode). */
  insert(block: CompiledBlock): void {
    const old = this.lookup(block.host, block.plan.entryEip, block.mode);
    if (old !== undefined) this.#remove(old);
    block.next = this.#byHost.get(block.host) ?? null;
    this.#byHost.set(block.host, block);
    for (const page of block.pages) {
      const list = this.#byPage.get(page);
      if (list === undefined) this.#byPage.set(page, [block]);
      else list.push(block);
    }
    this.#size++;
  }

  /** Invalidates every block on physical page `page`; returns how many there were. */
  invalidatePage(page: number): number {
    const list = this.#byPage.get(page);
    if (list === undefined) return 0;
    this.#byPage.delete(page);
    let n = 0;
    for (const b of list) {
      if (!b.valid) continue;
      this.#unlink(b);
      n++;
    }
    return n;
  }

  /** Pages holding at least one block. */
  pages(): number[] {
    return [...this.#byPage.keys()];
  }

  /** Forgets every block; returns how many were valid. */
  clear(): number {
    const n = this.#size;
    for (const list of this.#byPage.values()) for (const b of list) b.valid = false;
    for (const head of this.#byHost.values()) {
      for (let b: CompiledBlock | null = head; b !== null; b = b.next) b.valid = false;
    }
    this.#byHost.clear();
    this.#byPage.clear();
    this.#size = 0;
    return n;
  }

  #remove(b: CompiledBlock): void {
    this.#unlink(b);
    for (const page of b.pages) {
      const list = this.#byPage.get(page);
      const at = list?.indexOf(b) ?? -1;
      if (at >= 0) list!.splice(at, 1);
    }
  }

  #unlink(b: CompiledBlock): void {
    b.valid = false;
    this.#size--;
    let head = this.#byHost.get(b.host) ?? null;
    if (head === b) {
      if (b.next === null) this.#byHost.delete(b.host);
      else this.#byHost.set(b.host, b.next);
      return;
    }
    while (head !== null && head.next !== b) head = head.next;
    if (head !== null) head.next = b.next;
  }
}
