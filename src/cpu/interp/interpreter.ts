/**
 * The interpreter engine: decode, dispatch, and precise faults. It runs until its instruction
 * budget is spent or an instruction asks the run loop for attention.
 *
 * Decoded code is cached as straight-line runs: from an instruction to the next one that ends a
 * block (or the page end, the CS limit, an undecodable byte), with each row's handler. A run is
 * looked up once and its instructions then execute without a fetch each; it is left early when
 * an instruction redirects EIP, requests a stop, or writes to cached code.
 */

import type { Cpu } from "../cpu.ts";
import { type CodeReader, decode } from "../decode/decode.ts";
import { DecodeCache } from "../decode/decode_cache.ts";
import { Instr } from "../decode/instr.ts";
import { deliverFault, deliverSingleStep } from "../exceptions.ts";
import { CpuFault, GP, raise } from "../fault.ts";
import { TF } from "../flags.ts";
import { CS, OFF_EFLAGS, OFF_EIP, SEG_BASE, SEG_LIMIT, segOffset } from "../state.ts";
import { F_END } from "../decode/table.ts";
import { HANDLERS } from "./dispatch.ts";
import type { Handler } from "./handler.ts";

/** i32 index of CS's hidden base and limit in the state block. */
const CS_BASE_INDEX = (segOffset(CS) + SEG_BASE) >> 2;
const CS_LIMIT_INDEX = (segOffset(CS) + SEG_LIMIT) >> 2;
/** i32 index of EIP and EFLAGS, read once per instruction. */
const EIP_INDEX = OFF_EIP >> 2;
const EFLAGS_INDEX = OFF_EFLAGS >> 2;

/** Most instructions in one run (bounds the work of decoding ahead). */
const MAX_RUN = 64;

/** Software interrupts clear TF on delivery: they end without a single-step trap. */
const NO_STEP_TRAP = new Set(["int", "int3", "into", "int1"]);

/** Why `interpret` returned. */
export interface InterpretResult {
  /** Instructions retired (a faulting instruction does not count). */
  retired: number;
  /** True when a fault could not be delivered (triple fault): the machine must shut down. */
  tripleFault: boolean;
}

/** Reads code bytes at CS:offset through the MMU, checking the CS limit. */
class CsReader implements CodeReader {
  constructor(private cpu: Cpu) {}
  fetch8(eip: number): number {
    return this.cpu.mmu.read8(this.cpu.linear(CS, eip, 1, false));
  }
}

/**
 * Reads code bytes for decoding ahead of execution, straight from the host page that the run's
 * first instruction was fetched from. It refuses (#GP, which just ends the run) any byte outside
 * that page or the CS limit, so decoding ahead neither walks page tables nor raises a fault that
 * belongs to a later instruction.
 */
class PageReader implements CodeReader {
  #u8: Uint8Array;
  #csBase = 0;
  #limit = 0;
  #pageLinear = 0;
  #pageHost = 0;

  constructor(u8: Uint8Array) {
    this.#u8 = u8;
  }

  /** Restricts reads to the page of linear address `lin`, found at host offset `host`. */
  reset(csBase: number, limit: number, lin: number, host: number): void {
    this.#csBase = csBase;
    this.#limit = limit;
    this.#pageLinear = lin & ~0xfff;
    this.#pageHost = host & ~0xfff;
  }

  fetch8(eip: number): number {
    const lin = (this.#csBase + eip) | 0;
    if ((lin & ~0xfff) !== this.#pageLinear || (eip >>> 0) > this.#limit) raise(GP, 0);
    return this.#u8[this.#pageHost + (lin & 0xfff)];
  }
}

/** Straight-line decoded code: instructions that follow one another, with their handlers. */
interface CodeRun {
  /** Decoded for a code segment whose default size is 32 bits. */
  code32: boolean;
  /** Bytes from the first instruction's start to the last one's end. */
  bytes: number;
  /** The instructions in order; only the last may end a block. */
  instrs: Instr[];
  /** `HANDLERS` entry of each instruction, read when the run was decoded. */
  handlers: Handler[];
  /**
   * For a lone instruction that runs into the next page: its bytes, and the host page that
   * page was read from. A write to its own page drops the run; one to the next page, or a
   * remapping of it, shows as different bytes there, so a hit compares them first.
   */
  straddle?: { bytes: Uint8Array; nextHost: number };
}

/**
 * Byte n of an instruction at host address `host` with `here` bytes left on its page, the rest
 * at `nextHost` on the next page.
 */
function spanByte(u8: Uint8Array, n: number, here: number, host: number, nextHost: number): number {
  return n < here ? u8[host + n] : u8[nextHost + n - here];
}

/** The interpreter bound to one CPU. */
export class Interpreter {
  readonly #cpu: Cpu;
  readonly #reader: CsReader;
  readonly #ahead: PageReader;
  /** Decoded runs by the physical address of their first byte. */
  readonly #cache: DecodeCache<CodeRun>;
  /** Instructions executed, by opcode row id (filled only when profiling). */
  profile: Uint32Array | null = null;

  /**
   * Creates an interpreter for `cpu`.
   * @param cpu the CPU to run
   */
  constructor(cpu: Cpu) {
    this.#cpu = cpu;
    this.#reader = new CsReader(cpu);
    this.#ahead = new PageReader(cpu.u8);
    this.#cache = new DecodeCache(cpu.mmu);
  }

  /**
   * The run starting at CS:`eip`, from the cache when it was decoded for this code size and lies
   * within the CS limit, else freshly decoded (which raises the fetch's faults) and cached.
   */
  #fetch(eip: number): CodeRun {
    const cpu = this.#cpu;
    const i32 = cpu.i32;
    const lin = (i32[CS_BASE_INDEX] + eip) | 0;
    const host = cpu.mmu.fetchHost(lin);
    if (host >= 0) {
      const hit = this.#cache.get(host);
      if (
        hit !== undefined && hit.code32 === cpu.code32 &&
        (eip >>> 0) + hit.bytes - 1 <= (i32[CS_LIMIT_INDEX] >>> 0) &&
        (hit.straddle === undefined || this.#sameBytes(hit.straddle, lin, host))
      ) return hit;
    }
    return this.#decodeRun(eip, lin, host);
  }

  /** Whether a straddling instruction's bytes are still what both pages hold now. */
  #sameBytes(s: { bytes: Uint8Array; nextHost: number }, lin: number, host: number): boolean {
    const u8 = this.#cpu.u8;
    const here = 0x1000 - (lin & 0xfff);
    if (this.#cpu.mmu.fetchHost((lin + here) | 0) !== s.nextHost) return false;
    for (let n = 0; n < s.bytes.length; n++) {
      if (spanByte(u8, n, here, host, s.nextHost) !== s.bytes[n]) return false;
    }
    return true;
  }

  /**
   * Decodes the instruction at CS:`eip` through the MMU, then, when it lies within a cacheable
   * page, the instructions after it up to the end of the run, and caches the run.
   */
  #decodeRun(eip: number, lin: number, host: number): CodeRun {
    const cpu = this.#cpu;
    const code32 = cpu.code32;
    const first = decode(this.#reader, eip, code32, new Instr());
    const run: CodeRun = {
      code32,
      bytes: first.length,
      instrs: [first],
      handlers: [HANDLERS[first.op.id]],
    };
    if (host < 0) return run;
    const here = 0x1000 - (lin & 0xfff);
    if (first.length > here) {
      // Cached with its bytes: decoding it afresh each time would cost far more than comparing.
      const nextHost = cpu.mmu.fetchHost((lin + here) | 0);
      if (nextHost < 0) return run;
      const bytes = new Uint8Array(first.length);
      for (let n = 0; n < bytes.length; n++) bytes[n] = spanByte(cpu.u8, n, here, host, nextHost);
      run.straddle = { bytes, nextHost };
      this.#cache.set(host, run);
      return run;
    }
    const ahead = this.#ahead;
    ahead.reset(cpu.i32[CS_BASE_INDEX], cpu.i32[CS_LIMIT_INDEX] >>> 0, lin, host);
    let last = first;
    while ((last.op.flags & F_END) === 0 && run.instrs.length < MAX_RUN) {
      const at = code32 ? (eip + run.bytes) | 0 : (eip + run.bytes) & 0xffff;
      try {
        last = decode(ahead, at, code32, new Instr());
      } catch (e) {
        if (e instanceof CpuFault) break;
        throw e;
      }
      run.instrs.push(last);
      run.handlers.push(HANDLERS[last.op.id]);
      run.bytes += last.length;
    }
    this.#cache.set(host, run);
    return run;
  }

  /**
   * Executes up to `budget` instructions. Returns early when an instruction requests a stop
   * (hlt, sti, a port exit, a mode change) or a fault escalates to a triple fault.
   */
  run(budget: number): InterpretResult {
    const cpu = this.#cpu;
    const i32 = cpu.i32;
    const cache = this.#cache;
    const profile = this.profile;
    let retired = 0;
    cpu.stopRequested = false;
    // A fault always ends the run, so one try around the loop serves every instruction.
    try {
      while (retired < budget) {
        const eip = i32[EIP_INDEX];
        cpu.startEip = eip;
        const run = this.#fetch(eip);
        const { instrs, handlers } = run;
        if ((i32[EFLAGS_INDEX] & TF) !== 0) {
          // Single-stepping: one instruction, then the debug trap. Only instructions that end a
          // block can set TF, so checking at the start of each run is enough otherwise.
          const i = instrs[0];
          i32[EIP_INDEX] = run.code32 ? (eip + i.length) | 0 : (eip + i.length) & 0xffff;
          handlers[0](cpu, i);
          if (profile !== null) profile[i.op.id]++;
          retired++;
          if (!NO_STEP_TRAP.has(i.op.mnemonic)) {
            if (!deliverSingleStep(cpu)) return { retired, tripleFault: true };
            break;
          }
          if (cpu.stopRequested) break;
          continue;
        }
        const generation = cache.generation;
        const count = Math.min(instrs.length, budget - retired);
        let next = eip;
        for (let k = 0; k < count; k++) {
          const i = instrs[k];
          cpu.startEip = next;
          next = run.code32 ? (next + i.length) | 0 : (next + i.length) & 0xffff;
          i32[EIP_INDEX] = next;
          handlers[k](cpu, i);
          if (profile !== null) profile[i.op.id]++;
          retired++;
          // The rest of the run is stale once EIP went elsewhere or its code may have changed.
          if (cpu.stopRequested || i32[EIP_INDEX] !== next || cache.generation !== generation) {
            break;
          }
        }
        if (cpu.stopRequested) break;
      }
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      cpu.eip = cpu.startEip;
      if (!deliverFault(cpu, e)) return { retired, tripleFault: true };
      cpu.stopRequested = true;
      retired++;
    }
    return { retired, tripleFault: false };
  }
}
