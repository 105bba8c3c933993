/**
 * Decoded code cached by physical address: a table of pages, each an array indexed by the byte
 * offset of the first instruction's first byte. An entry is whatever the engine decodes there
 * (an `Instr`, or a run of them that stays within the page). Pages holding entries are marked as
 * code in the MMU; a write to one drops that page, so self-modifying code stays correct.
 */

import type { Mmu } from "../mmu.ts";
import { RAM_BASE } from "../state.ts";
import type { Instr } from "./instr.ts";

/** Most pages kept before the cache starts over (bounds host memory: 4096 slots each). */
const MAX_PAGES = 2048;

/** A cache of decoded code for one CPU, with entries of type `T`. */
export class DecodeCache<T = Instr> {
  readonly #mmu: Mmu;
  /** Per host page (host offset >>> 12): entries by offset within the page. */
  readonly #pages: (Array<T | undefined> | undefined)[];
  /** Host pages currently holding entries. */
  readonly #live = new Set<number>();
  /** Pages dropped because they were written (a statistic). */
  invalidated = 0;
  /**
   * Bumped whenever entries are dropped, so an engine part-way through an entry can tell that
   * the bytes behind the rest of it may have changed.
   */
  generation = 0;

  /**
   * Creates an empty cache watching `mmu` for writes to code pages.
   * @param mmu the MMU whose code-page marks protect the cached bytes
   */
  constructor(mmu: Mmu) {
    this.#mmu = mmu;
    // Dense from the start, so lookups stay on V8's fast-elements path.
    this.#pages = new Array(mmu.tlb.buffer.byteLength >>> 12).fill(undefined);
    mmu.addCodeListener((page) => this.#drop((RAM_BASE >>> 12) + page));
  }

  /** The entry whose first byte is at host offset `host`, if any. */
  get(host: number): T | undefined {
    const page = this.#pages[host >>> 12];
    return page === undefined ? undefined : page[host & 0xfff];
  }

  /**
   * Caches `entry`, whose bytes start at host offset `host` and lie within one page. RAM pages
   * are marked as code so writes to them are seen; ROM cannot change.
   */
  set(host: number, entry: T): void {
    const hp = host >>> 12;
    let page = this.#pages[hp];
    if (page === undefined) {
      if (this.#live.size >= MAX_PAGES) this.clear();
      page = new Array(4096).fill(undefined);
      this.#pages[hp] = page;
      this.#live.add(hp);
      const ramPage = hp - (RAM_BASE >>> 12);
      if (ramPage >= 0 && ramPage < this.#mmu.codePages.length) this.#mmu.markCode(ramPage);
    }
    page[host & 0xfff] = entry;
  }

  /** Forgets everything. */
  clear(): void {
    this.generation++;
    for (const hp of this.#live) {
      this.#pages[hp] = undefined;
      const ramPage = hp - (RAM_BASE >>> 12);
      if (ramPage >= 0 && ramPage < this.#mmu.codePages.length) this.#mmu.unmarkCode(ramPage);
    }
    this.#live.clear();
  }

  #drop(hp: number): void {
    if (this.#pages[hp] === undefined) return;
    this.#pages[hp] = undefined;
    this.#live.delete(hp);
    this.invalidated++;
    this.generation++;
  }
}
