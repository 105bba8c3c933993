/**
 * The JIT engine: the run loop that finds the compiled block for CS:EIP, runs it, interprets
 * cold code, counts block entries and compiles hot blocks in batches, and turns faults raised
 * by callouts inside compiled code into precise guest exceptions (DESIGN.md §5).
 *
 * `run(budget)` has the interpreter's contract: it retires at most `budget` instructions,
 * returns early when an instruction asks for the run loop's attention, and reports a triple
 * fault.
 *
 * The file runs past 600 lines on purpose: it is one class whose run loop, dispatch, compilation
 * and host calls share the block cache, the site table and the fault bookkeeping. The pieces
 * that need none of that live in `plan_reader.ts` and `binaryen_load.ts`.
 */

import { type Cpu, CR0_PG } from "../src/cpu/cpu.ts";
import { decode } from "../src/cpu/decode/decode.ts";
import { Instr } from "../src/cpu/decode/instr.ts";
import { OPS } from "../src/cpu/decode/op_info.ts";
import { F_END } from "../src/cpu/decode/table.ts";
import { deliverFault } from "../src/cpu/exceptions.ts";
import { CpuFault } from "../src/cpu/fault.ts";
import { TF } from "../src/cpu/flags.ts";
import { HANDLERS } from "../src/cpu/interp/dispatch.ts";
import type { Interpreter, InterpretResult } from "../src/cpu/interp/interpreter.ts";
import { ACCESS_FETCH } from "../src/cpu/mmu.ts";
import { CS, DS, OFF_A20_MASK, RAM_BASE } from "../src/cpu/state.ts";
import { TLB_MMIO, TLB_USER, TLB_VALID } from "../src/cpu/tlb.ts";
import { BlockCache, type CompiledBlock } from "./cache.ts";
import { type Binaryen, type BlockMode, modeKey, SITE_SHIFT } from "./emit/context.ts";
import {
  JumpCache,
  OFF_INTERPRET_NEXT,
  OFF_READ_STOP,
  OFF_VECTOR_ITERATIONS,
} from "./jump_cache.ts";
import { buildWalker, type WalkerExports } from "./page_walk.ts";
import { type BlockPlan, planBlock } from "./plan.ts";
import { formRegion } from "./region.ts";
import { loadBinaryen, loadedBinaryen } from "./binaryen_load.ts";
import { CsReader, PlanReader } from "./plan_reader.ts";
import {
  type BlockSource,
  exportName,
  MEMORY_IMPORT,
  TABLE_IMPORT,
  translateBlocks,
} from "./translate.ts";

/** `OFF_INTERPRET_NEXT` as an index of the CPU's i32 view. */
const INTERPRET_NEXT_INDEX = OFF_INTERPRET_NEXT >> 2;
/** `OFF_READ_STOP` as an index of the CPU's i32 view. */
const READ_STOP_INDEX = OFF_READ_STOP >> 2;
/** `OFF_VECTOR_ITERATIONS` as an index of the CPU's i32 view. */
const VECTOR_ITERATIONS_INDEX = OFF_VECTOR_ITERATIONS >> 2;

/** Tuning of the JIT. */
export interface JitOptions {
  /**
   * Executions of a block entry before it is compiled; 0 compiles on first sight.
   * @default 50
   */
  threshold?: number;
  /**
   * Most blocks kept; past it the whole cache is flushed.
   * @default 16384
   */
  maxBlocks?: number;
  /**
   * Most blocks translated into one module (warm blocks join a hot one's batch).
   * @default 32
   */
  batch?: number;
  /**
   * Run qualifying counted loops a group of iterations at a time in SIMD lanes where their memory
   * allows it (`vector_plan.ts`); false compiles them one iteration at a time only.
   * @default true
   */
  vectorize?: boolean;
  /**
   * Return from `create()` at once and interpret until binaryen has loaded (about a second the
   * first time in a process), instead of waiting for it: short guests never wait for the JIT.
   * @default false
   */
  background?: boolean;
}

/** Counters of the JIT's work. */
export interface JitStats {
  /** Blocks translated (a region counts once per member block). */
  blocksCompiled: number;
  /** Hot loops translated as regions (several blocks in one function). */
  regionsCompiled: number;
  /** Dispatches that found a compiled block. */
  cacheHits: number;
  /** Dispatches that found none. */
  cacheMisses: number;
  /** Blocks thrown away (code writes, flushes, eviction). */
  invalidations: number;
  /** Milliseconds spent translating and compiling. */
  compileMs: number;
  /** WebAssembly modules compiled. */
  modulesCompiled: number;
  /** Callouts from compiled code to interpreter handlers, by mnemonic. */
  callouts: Record<string, number>;
  /** Instructions run by the interpreter path. */
  interpretedInstructions: number;
  /** Instructions retired by compiled blocks. */
  jittedInstructions: number;
  /** Loop iterations compiled code ran a group at a time in SIMD lanes. */
  vectorIterations: number;
}

/** Entry counts are dropped past this many distinct entries (a crude bound on memory). */
const MAX_COUNTED = 1 << 16;
/** Count that marks an entry as not compilable (its first instruction does not decode). */
const NEVER = -1;

/** A planned block with where it lives. */
type Planned = BlockSource & { host: number; page: number };

/**
 * Host time a background engine interprets before it starts loading binaryen: loading blocks
 * the process for most of a second, which a guest that is done by then never needs to pay.
 */
const BACKGROUND_LOAD_DELAY_MS = 150;

/**
 * The mode a block entered now would be compiled for (its cache key is `modeKey()` of it).
 * @param cpu the CPU
 * @returns the decoding and checking mode bits of its current state
 * @example A flat 32-bit CPU: every segment has base 0
 * ```ts
 * import assert from "node:assert/strict";
 * import { Cpu } from "../src/cpu/cpu.ts";
 * import type { CpuEnvironment } from "../src/cpu/environment.ts";
 * import { PhysicalMemory } from "../src/cpu/physical_memory.ts";
 * import { blockModeOf } from "./runtime.ts";
 * const cpu = new Cpu(new PhysicalMemory(1 << 20), {} as CpuEnvironment);
 * cpu.enterFlatProtectedMode();
 * const mode = blockModeOf(cpu);
 * assert.equal(mode.code32, true);
 * assert.equal(mode.zeroBases, 0b111111);
 * ```
 */
export function blockModeOf(cpu: Cpu): BlockMode {
  const paging = (cpu.cr0 & CR0_PG) !== 0;
  return {
    code32: cpu.code32,
    stack32: cpu.stack32,
    user: cpu.cpl === 3,
    checkedSegs: cpu.checkedSegs,
    csFlat: cpu.segLimit(CS) === 0xffffffff,
    zeroBases: cpu.zeroBaseSegs,
    paging,
    ramEnd: !paging && cpu.i32[OFF_A20_MASK >> 2] === -1 ? cpu.mem.ramSize : 0,
  };
}

/**
 * Host address of member k's entry (k = 0 for a plain block): recorded when a region spans
 * pages, else at its offset from the entry on the entry's page.
 */
function memberHost(p: Planned, k: number): number {
  const plan = p.region?.blocks[k] ?? p.plan;
  return p.hosts?.[k] ?? p.host + ((plan.entryEip - p.plan.entryEip) | 0);
}

/** Mask of the instruction index in a call site number. */
const SITE_K = (1 << SITE_SHIFT) - 1;

/** A block as host calls name it: its plan and the compiled function it is part of. */
interface Site {
  plan: BlockPlan;
  owner: CompiledBlock | null;
}

/** A warm entry remembered so it can join the next compiled batch. */
interface WarmEntry {
  host: number;
  eip: number;
  mode: number;
}

/** The JIT engine bound to one CPU. */
export class JitEngine {
  readonly #cpu: Cpu;
  readonly #interp: Interpreter;
  #b: Binaryen | null;
  /** binaryen's load for a background engine, once started. */
  #loading: Promise<void> | null = null;
  /** Host time of the first `run()` of a background engine still without binaryen (0: none). */
  #firstRun = 0;
  readonly #threshold: number;
  readonly #maxBlocks: number;
  readonly #batch: number;
  readonly #vectorize: boolean;
  readonly #cache = new BlockCache();
  readonly #counts = new Map<number, number>();
  readonly #warm = new Map<number, WarmEntry>();
  readonly #planReader: PlanReader;
  readonly #csReader: CsReader;
  readonly #instr = new Instr();
  readonly #imports: WebAssembly.Imports;
  readonly #calloutsById: Uint32Array = new Uint32Array(OPS.length);
  /** Compiled blocks by their index in the shared function table. */
  #byId: CompiledBlock[] = [];
  /** Blocks by the site number host calls carry (shifted by SITE_SHIFT). */
  #sites: Site[] = [];
  readonly #table = new WebAssembly.Table({ element: "anyfunc", initial: 1024 });
  readonly #jumps: JumpCache;
  #faultDone = 0;
  /** Whether the page walker serves the slow paths (built with the first paging module). */
  #walking = false;
  readonly #stats = {
    blocksCompiled: 0,
    regionsCompiled: 0,
    cacheHits: 0,
    cacheMisses: 0,
    invalidations: 0,
    compileMs: 0,
    modulesCompiled: 0,
    interpretedInstructions: 0,
    jittedInstructions: 0,
    vectorIterations: 0,
  };

  private constructor(cpu: Cpu, interp: Interpreter, b: Binaryen | null, options: JitOptions) {
    this.#cpu = cpu;
    this.#interp = interp;
    this.#b = b;
    this.#threshold = Math.max(0, options.threshold ?? 50);
    this.#maxBlocks = Math.max(1, options.maxBlocks ?? 16384);
    this.#batch = Math.max(1, options.batch ?? 32);
    this.#vectorize = options.vectorize ?? true;
    this.#planReader = new PlanReader(cpu.u8);
    this.#csReader = new CsReader(cpu);
    this.#jumps = new JumpCache(cpu.i32);
    this.#imports = this.#hostImports();
    cpu.mmu.onCodeWrite = (page) => this.#onCodeWrite(page);
  }

  /**
   * Creates the engine, loading binaryen (about a second the first time in a process) unless
   * `options.background` lets it interpret meanwhile.
   * @param cpu the CPU to run
   * @param interp its interpreter (its `profile`, when set, also counts interpreted rows)
   * @param options tuning
   * @returns the engine
   * @example Running a loop under the JIT
   * ```ts ignore
   * const jit = await JitEngine.create(cpu, interp, { threshold: 0 });
   * const { retired } = jit.run(1000);
   * ```
   */
  static async create(cpu: Cpu, interp: Interpreter, options: JitOptions = {}): Promise<JitEngine> {
    const b = options.background ? loadedBinaryen() : await loadBinaryen();
    return new JitEngine(cpu, interp, b, options);
  }

  /**
   * Settles once the engine compiles (binaryen loaded), starting the load if a background
   * engine has not yet; rejects if binaryen failed to load (the engine keeps interpreting).
   */
  get ready(): Promise<void> {
    if (this.#b !== null) return Promise.resolve();
    if (this.#loading === null) {
      this.#loading = loadBinaryen().then((b) => {
        this.#b = b;
      });
      this.#loading.catch(() => {});
    }
    return this.#loading;
  }

  /** Counters, with callouts grouped by mnemonic. */
  get stats(): JitStats {
    this.#foldVectorIterations();
    const callouts: Record<string, number> = {};
    this.#calloutsById.forEach((n, id) => {
      if (n !== 0) callouts[OPS[id].mnemonic] = (callouts[OPS[id].mnemonic] ?? 0) + n;
    });
    return { ...this.#stats, callouts };
  }

  /** Moves what compiled code counted in memory into the statistics (before it wraps). */
  #foldVectorIterations(): void {
    const i32 = this.#cpu.i32;
    this.#stats.vectorIterations += i32[VECTOR_ITERATIONS_INDEX] >>> 0;
    i32[VECTOR_ITERATIONS_INDEX] = 0;
  }

  /** Throws away every compiled block and entry count (after the host rewrote guest memory). */
  invalidateAll(): void {
    const mmu = this.#cpu.mmu;
    for (const page of this.#cache.pages()) mmu.unmarkCode(page);
    this.#stats.invalidations += this.#cache.clear();
    this.#counts.clear();
    this.#warm.clear();
    this.#jumps.clear();
    // No block runs while this is called, so the table indices can be reused.
    this.#byId = [];
    this.#sites = [];
  }

  /**
   * Executes up to `budget` instructions, like `Interpreter.run`.
   * @param budget most instructions to retire
   * @returns instructions retired and whether a triple fault occurred
   */
  run(budget: number): { retired: number; tripleFault: boolean } {
    const cpu = this.#cpu;
    const stats = this.#stats;
    if (this.#b === null && this.#loading === null) {
      const now = performance.now();
      if (this.#firstRun === 0) this.#firstRun = now;
      else if (now - this.#firstRun >= BACKGROUND_LOAD_DELAY_MS) void this.ready;
    }
    this.#foldVectorIterations();
    let retired = 0;
    cpu.stopRequested = false;
    while (retired < budget) {
      const left = budget - retired;
      if ((cpu.rawFlags & TF) !== 0) {
        // Single-stepping traps after every instruction, which only the interpreter does.
        const r = this.#interp.run(left);
        retired += r.retired;
        stats.interpretedInstructions += r.retired;
        if (r.tripleFault) return { retired, tripleFault: true };
        if (cpu.stopRequested) break;
        continue;
      }
      const block = this.#find();
      if (block !== null && block.length <= left) {
        let done: number;
        try {
          done = block.fn(left, 0);
        } catch (e) {
          if (!(e instanceof CpuFault)) throw e;
          done = this.#faultDone + 1;
          cpu.eip = cpu.startEip;
          if (!deliverFault(cpu, e)) {
            // As in the interpreter, an instruction whose fault shuts the machine down does
            // not retire.
            stats.jittedInstructions += done - 1;
            return { retired: retired + done - 1, tripleFault: true };
          }
          cpu.stopRequested = true;
        }
        stats.jittedInstructions += done;
        retired += done;
        if (cpu.i32[INTERPRET_NEXT_INDEX] !== 0) {
          // The block left before an instruction it could not run (`leaveToInterpreter`).
          cpu.i32[INTERPRET_NEXT_INDEX] = 0;
          if (retired < budget && !cpu.stopRequested) {
            const r = this.#interp.run(1);
            retired += r.retired;
            stats.interpretedInstructions += r.retired;
            if (r.tripleFault) return { retired, tripleFault: true };
          }
          if (cpu.stopRequested) break;
          continue;
        }
      } else {
        const r = this.#interpretBlock(left);
        retired += r.retired;
        if (r.tripleFault) return { retired, tripleFault: true };
      }
      if (cpu.stopRequested) break;
    }
    return { retired, tripleFault: false };
  }

  // ---- dispatch ----------------------------------------------------------------------------

  /** The compiled block for CS:EIP, compiling it if it just became hot; null to interpret. */
  #find(): CompiledBlock | null {
    if (this.#b === null) return null; // binaryen is still loading: interpret
    const cpu = this.#cpu;
    const eip = cpu.eip;
    // A fault on the fetch is the interpreter's to raise.
    const host = this.#codeHost((cpu.segBase(CS) + eip) | 0, true);
    if (host < 0) return null;
    const mode = this.#modeKey();
    const hit = this.#cache.lookup(host, eip, mode);
    if (hit !== undefined) {
      this.#stats.cacheHits++;
      if (!this.#jumps.holds(host, hit.id)) {
        this.#jumps.put(host, eip, mode, hit.length, hit.id);
      }
      return hit;
    }
    this.#stats.cacheMisses++;
    const count = (this.#counts.get(host) ?? 0) + 1;
    if (count <= 0) return null;
    if (count <= this.#threshold) {
      if (this.#counts.size >= MAX_COUNTED) this.#counts.clear();
      this.#counts.set(host, count);
      if (count * 2 >= this.#threshold && this.#warm.size < 4 * this.#batch) {
        this.#warm.set(host, { host, eip, mode });
      }
      return null;
    }
    return this.#compileHot(host, eip, mode);
  }

  #modeKey(): number {
    return modeKey(this.#mode());
  }

  #mode(): BlockMode {
    return blockModeOf(this.#cpu);
  }

  /** Plans the block at one entry in the current mode; null when it cannot be compiled. */
  #plan(host: number, eip: number): Planned | null {
    const cpu = this.#cpu;
    const r = this.#planReader;
    r.host = host;
    r.entry = eip;
    r.room = 0x1000 - (host & 0xfff);
    r.code32 = cpu.code32;
    r.limit = (cpu.checkedSegs & (1 << CS)) !== 0 ? cpu.segLimit(CS) : -1;
    // An instruction may run into the next page when EIP is the linear address (CS base 0),
    // so the translation can check where that page is mapped.
    const next = (eip + r.room) | 0;
    r.nextHost = cpu.code32 && (cpu.zeroBaseSegs & (1 << CS)) !== 0 && next !== 0
      ? this.#fetchHost(next) ?? -1
      : -1;
    let plan = planBlock(r, eip, cpu.code32, undefined, r.room);
    if (plan === null) return null;
    if (plan.byteLength > r.room) {
      plan = { ...plan, nextPage: { lin: next >>> 12, host: r.nextHost >>> 12 } };
    }
    const ram = host >= RAM_BASE && host - RAM_BASE < cpu.mem.ramSize;
    return { plan, mode: this.#mode(), host, page: ram ? (host - RAM_BASE) >>> 12 : -1, id: -1 };
  }

  /**
   * The entry with the loop it heads, when it is on a cycle of blocks: those compile into one
   * function. Needs 32-bit code in a flat CS, the only place branches are translated inline.
   * Members come from the entry's page, and when CS has base 0 also from the pages next to it
   * (loops often straddle a page end), each read where the TLB maps it now.
   */
  #withRegion(p: Planned): Planned {
    if (!p.mode.code32 || !p.mode.csFlat) return p;
    const entryOff = p.host & 0xfff;
    const spans = (p.mode.zeroBases & (1 << CS)) !== 0;
    const hosts = new Map<number, number>([[p.plan.entryEip, p.host]]);
    const planAt = (eip: number): BlockPlan | null => {
      const off = entryOff + ((eip - p.plan.entryEip) | 0);
      let host: number;
      if (off >= 0 && off < 0x1000) host = p.host - entryOff + off;
      else if (!spans || off < -0x1000 || off >= 0x2000) return null;
      else {
        const h = this.#fetchHost(eip);
        if (h === null) return null;
        host = h;
      }
      // An inner loop compiled already stays its own function: compiling it again into every
      // enclosing loop would multiply the compile cost for a chained edge saved per inner run.
      if (this.#cache.lookup(host, eip, modeKey(p.mode)) !== undefined) return null;
      const plan = this.#plan(host, eip)?.plan ?? null;
      if (plan !== null) hosts.set(eip, host);
      return plan;
    };
    const u8 = this.#cpu.u8;
    // Jump tables are only a guess at the targets (the code compares the real one), so they
    // may be read from any page mapped now when DS and CS have base 0 (offsets are linear).
    const flatData = spans && (p.mode.zeroBases & (1 << DS)) !== 0;
    const read32 = (addr: number): number | null => {
      const off = entryOff + ((addr - p.plan.entryEip) | 0);
      let at: number;
      if (off >= 0 && off <= 0x1000 - 4) at = p.host - entryOff + off;
      else if (flatData && (addr & 0xfff) <= 0x1000 - 4) {
        const h = this.#fetchHost(addr);
        if (h === null) return null;
        at = h;
      } else return null;
      return (u8[at] | (u8[at + 1] << 8) | (u8[at + 2] << 16) | (u8[at + 3] << 24)) >>> 0;
    };
    const region = formRegion(p.plan, planAt, read32);
    if (region === null) return p;
    const members = region.blocks.map((b) => hosts.get(b.entryEip)!);
    const pageOf = (host: number) => (host - RAM_BASE) >>> 12;
    const onePage = members.every((h) => pageOf(h) === pageOf(p.host));
    return onePage ? { ...p, region } : { ...p, region, hosts: members };
  }

  /**
   * Host address of code at linear address `lin` (RAM or ROM), or -1 when it cannot be fetched
   * now: from the TLB, else by a page walk when `walk` is set or paging is off. With paging on a
   * walk sets accessed bits, which only a real fetch may do.
   */
  #codeHost(lin: number, walk: boolean): number {
    const cpu = this.#cpu;
    const user = cpu.cpl === 3 ? TLB_USER : 0;
    let e = cpu.mmu.tlb[lin >>> 12];
    if ((e & (TLB_VALID | TLB_MMIO | user)) !== (TLB_VALID | user)) {
      if (!walk && (cpu.cr0 & CR0_PG) !== 0) return -1;
      try {
        e = cpu.mmu.translate(lin, ACCESS_FETCH);
      } catch (err) {
        if (err instanceof CpuFault) return -1;
        throw err;
      }
      if ((e & (TLB_MMIO | user)) !== user) return -1;
    }
    return ((e & ~0xfff) ^ lin) >>> 0;
  }

  /** Host address of RAM at linear address `lin` as `#codeHost` finds it without a walk. */
  #fetchHost(lin: number): number | null {
    const host = this.#codeHost(lin, false);
    return host >= RAM_BASE && host - RAM_BASE < this.#cpu.mem.ramSize ? host : null;
  }

  /** Compiles a hot entry together with warm ones of the same mode; returns the hot block. */
  #compileHot(host: number, eip: number, mode: number): CompiledBlock | null {
    const hot = this.#plan(host, eip);
    this.#warm.delete(host);
    if (hot === null) {
      this.#counts.set(host, NEVER);
      return null;
    }
    const batch = [this.#withRegion(hot)];
    // Entries the batch already holds as region members get no function of their own.
    const held = new Set<number>();
    const hold = (p: Planned) =>
      (p.region?.blocks ?? [p.plan]).forEach((_, k) => held.add(memberHost(p, k)));
    hold(batch[0]);
    for (const w of this.#warm.values()) {
      if (batch.length >= this.#batch) break;
      if (w.mode !== mode || held.has(w.host)) continue;
      if (this.#cache.lookup(w.host, w.eip, mode) !== undefined) continue;
      const p = this.#plan(w.host, w.eip);
      if (p === null) continue;
      const planned = this.#withRegion(p);
      hold(planned);
      batch.push(planned);
    }
    this.#warm.clear();
    if (this.#cache.size + batch.length > this.#maxBlocks) this.invalidateAll();
    const blocks = this.#compile(batch);
    return blocks[0];
  }

  /**
   * Translates and instantiates a batch, adding its blocks to the cache: every member of a region
   * becomes an entry of its own (a stub starting the region's function there), except the
   * members of an inner loop after its head, which only the loop's own edges reach.
   */
  #compile(planned: Planned[]): CompiledBlock[] {
    const t0 = performance.now();
    // Only blocks compiled with paging on call the slow paths the walker serves.
    if (!this.#walking && planned.some((p) => p.mode.paging)) {
      this.#useWalker(this.#b!);
      this.#walking = true;
    }
    let nextId = this.#byId.length;
    const batch = planned.map((p) => {
      const members = p.region?.blocks ?? [p.plan];
      // Members inside an inner loop have no entry, so no function (`RegionPlan.hidden`).
      const hidden = p.region?.hidden ?? [false];
      const ids = members.map((_, k) => hidden[k] ? -1 : nextId++);
      const sites = members.map((plan) => this.#sites.push({ plan, owner: null }) - 1);
      return { ...p, id: ids[0], ids, sites, members, hidden, vectorize: this.#vectorize };
    });
    if (nextId > this.#table.length) {
      this.#table.grow(Math.max(nextId - this.#table.length, 1024));
    }
    const { binary } = translateBlocks(this.#b!, batch);
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>),
      this.#imports,
    );
    const mmu = this.#cpu.mmu;
    const out = batch.map((src, j): CompiledBlock => {
      const hostPages = [
        ...(src.hosts ?? []).map((h) => h >>> 12),
        ...src.members.flatMap((plan) => plan.nextPage === undefined ? [] : [plan.nextPage.host]),
      ];
      const pages = src.page < 0
        ? []
        : [...new Set([src.page, ...hostPages.map((h) => h - (RAM_BASE >>> 12))])];
      const blocks: CompiledBlock[] = [];
      src.members.forEach((plan, k) => {
        if (src.hidden[k]) return;
        const fn = instance.exports[exportName(j, k)] as (budget: number, done: number) => number;
        this.#table.set(src.ids[k], fn);
        const block: CompiledBlock = {
          id: src.ids[k],
          plan,
          host: memberHost(src, k),
          pages,
          mode: modeKey(src.mode),
          length: plan.instrs.length,
          fn,
          valid: true,
          next: null,
        };
        this.#byId.push(block);
        this.#sites[src.sites[k]].owner = block;
        this.#cache.insert(block);
        this.#jumps.put(block.host, plan.entryEip, block.mode, block.length, block.id);
        this.#counts.delete(block.host);
        this.#warm.delete(block.host);
        blocks.push(block);
      });
      // A hidden member's code runs in its loop head's function: that block answers for it.
      let owner = blocks[0];
      src.members.forEach((_, k) => {
        const site = this.#sites[src.sites[k]];
        if (site.owner !== null) owner = site.owner;
        else site.owner = owner;
      });
      for (const page of pages) mmu.markCode(page);
      this.#stats.blocksCompiled += blocks.length;
      if (src.region !== undefined) this.#stats.regionsCompiled++;
      return blocks[0];
    });
    this.#stats.modulesCompiled++;
    this.#stats.compileMs += performance.now() - t0;
    return out;
  }

  /** A guest write hit a page holding translated code: drop its blocks. */
  #onCodeWrite(page: number): void {
    this.#stats.invalidations += this.#cache.invalidatePage(page);
    this.#jumps.clear();
    this.#cpu.mmu.unmarkCode(page);
  }

  // ---- the interpreter path ----------------------------------------------------------------

  /** Interprets until an instruction ends a block, a stop is requested, or the budget is spent. */
  #interpretBlock(budget: number): InterpretResult {
    const cpu = this.#cpu;
    const reader = this.#csReader;
    const instr = this.#instr;
    const profile = this.#interp.profile;
    let retired = 0;
    while (retired < budget) {
      const eip = cpu.eip;
      cpu.startEip = eip;
      let end = false;
      try {
        const i = decode(reader, eip, cpu.code32, instr);
        cpu.eip = cpu.code32 ? eip + i.length : (eip + i.length) & 0xffff;
        HANDLERS[i.op.id](cpu, i);
        if (profile !== null) profile[i.op.id]++;
        end = (i.op.flags & F_END) !== 0;
      } catch (e) {
        if (!(e instanceof CpuFault)) throw e;
        cpu.eip = eip;
        if (!deliverFault(cpu, e)) {
          this.#stats.interpretedInstructions += retired;
          return { retired, tripleFault: true };
        }
        cpu.stopRequested = true;
      }
      retired++;
      if (cpu.stopRequested || end) break;
    }
    this.#stats.interpretedInstructions += retired;
    return { retired, tripleFault: false };
  }

  // ---- host functions imported by compiled blocks ------------------------------------------

  /**
   * Puts the page walker in front of the slow-path reads and writes of every module compiled
   * from now on: all that call them, since it is built before the first with paging on (it
   * costs 5–50 ms, which a guest that never pages does without).
   */
  #useWalker(b: Binaryen): void {
    const h = this.#imports.h as unknown as WalkerExports;
    const cpu = this.#cpu;
    const walker = buildWalker(b, cpu.mem.memory, h, cpu.mem.ramSize, OFF_READ_STOP);
    Object.assign(h, walker);
  }

  #hostImports(): WebAssembly.Imports {
    const cpu = this.#cpu;
    const mmu = cpu.mmu;
    const at = (site: number, done: number): CompiledBlock => {
      const s = this.#sites[site >>> SITE_SHIFT];
      cpu.startEip = s.plan.eips[site & SITE_K];
      this.#faultDone = done;
      return s.owner!;
    };
    const stop = (b: CompiledBlock): number => (cpu.stopRequested || !b.valid ? 1 : 0);
    // A device read may ask the run loop for attention: the walker's `stopped` reports it.
    const readStop = (v: number): number => {
      if (cpu.stopRequested) cpu.i32[READ_STOP_INDEX] = 1;
      return v;
    };
    return {
      e: { [MEMORY_IMPORT]: cpu.mem.memory, [TABLE_IMPORT]: this.#table },
      h: {
        callout: (site: number, done: number): number => {
          const b = at(site, done);
          const k = site & SITE_K;
          const plan = this.#sites[site >>> SITE_SHIFT].plan;
          const i = plan.instrs[k];
          cpu.eip = plan.eips[k + 1];
          this.#calloutsById[i.op.id]++;
          HANDLERS[i.op.id](cpu, i);
          return stop(b);
        },
        cond: (cc: number): number => (cpu.condition(cc) ? 1 : 0),
        cf: (): number => (cpu.cf() ? 1 : 0),
        // Only modules compiled with paging on call this, and the walker's `stopped` replaces it
        // before the first of them (`#useWalker`); the others need it only to link.
        stopped: (): number => (cpu.stopRequested ? 1 : 0),
        rd1: (lin: number, site: number, done: number): number => {
          at(site, done);
          return readStop(mmu.read8(lin));
        },
        rd2: (lin: number, site: number, done: number): number => {
          at(site, done);
          return readStop(mmu.read16(lin));
        },
        rd4: (lin: number, site: number, done: number): number => {
          at(site, done);
          return readStop(mmu.read32(lin));
        },
        wr1: (lin: number, v: number, site: number, done: number): number => {
          const b = at(site, done);
          mmu.write8(lin, v & 0xff);
          return stop(b);
        },
        wr2: (lin: number, v: number, site: number, done: number): number => {
          const b = at(site, done);
          mmu.write16(lin, v & 0xffff);
          return stop(b);
        },
        wr4: (lin: number, v: number, site: number, done: number): number => {
          const b = at(site, done);
          mmu.write32(lin, v);
          return stop(b);
        },
      },
    };
  }
}
