/**
 * The interpreter engine: decode, dispatch, and precise faults. It runs until its instruction
 * budget is spent or an instruction asks the run loop for attention.
 */

import type { Cpu } from "../cpu.ts";
import { decode } from "../decode/decode.ts";
import { DecodeCache } from "../decode/decode_cache.ts";
import { Instr } from "../decode/instr.ts";
import { deliverFault, deliverSingleStep } from "../exceptions.ts";
import { CpuFault } from "../fault.ts";
import { TF } from "../flags.ts";
import { CS, OFF_EFLAGS, OFF_EIP, SEG_BASE, SEG_LIMIT, segOffset } from "../state.ts";
import { HANDLERS } from "./dispatch.ts";

/** i32 index of CS's hidden base and limit in the state block. */
const CS_BASE_INDEX = (segOffset(CS) + SEG_BASE) >> 2;
const CS_LIMIT_INDEX = (segOffset(CS) + SEG_LIMIT) >> 2;
/** i32 index of EIP and EFLAGS, read once per instruction. */
const EIP_INDEX = OFF_EIP >> 2;
const EFLAGS_INDEX = OFF_EFLAGS >> 2;

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
class CsReader {
  constructor(private cpu: Cpu) {}
  fetch8(eip: number): number {
    return this.cpu.mmu.read8(this.cpu.linear(CS, eip, 1, false));
  }
}

/** The interpreter bound to one CPU. */
export class Interpreter {
  readonly #cpu: Cpu;
  readonly #reader: CsReader;
  /** Decoded instructions by physical address. */
  readonly cache: DecodeCache;
  /** Instructions executed, by opcode row id (filled only when profiling). */
  profile: Uint32Array | null = null;

  /**
   * Creates an interpreter for `cpu`.
   * @param cpu the CPU to run
   */
  constructor(cpu: Cpu) {
    this.#cpu = cpu;
    this.#reader = new CsReader(cpu);
    this.cache = new DecodeCache(cpu.mmu);
  }

  /**
   * The decoded instruction at CS:`eip`, from the cache when its bytes are cached and within
   * the CS limit, else freshly decoded (which raises the fetch's faults) and cached.
   */
  fetch(eip: number): Instr {
    const cpu = this.#cpu;
    const lin = (cpu.i32[CS_BASE_INDEX] + eip) | 0;
    const host = cpu.mmu.fetchHost(lin);
    const code32 = cpu.code32;
    if (host >= 0) {
      const hit = this.cache.get(host);
      if (
        hit !== undefined && hit.code32 === code32 &&
        (eip >>> 0) + hit.length - 1 <= (cpu.i32[CS_LIMIT_INDEX] >>> 0)
      ) return hit;
      const i = decode(this.#reader, eip, code32, new Instr());
      if ((lin & 0xfff) + i.length <= 0x1000) this.cache.set(host, i);
      return i;
    }
    return decode(this.#reader, eip, code32, new Instr());
  }

  /**
   * Executes up to `budget` instructions. Returns early when an instruction requests a stop
   * (hlt, sti, a port exit, a mode change) or a fault escalates to a triple fault.
   */
  run(budget: number): InterpretResult {
    const cpu = this.#cpu;
    const i32 = cpu.i32;
    const profile = this.profile;
    let retired = 0;
    cpu.stopRequested = false;
    // A fault always ends the run, so one try around the loop serves every instruction.
    try {
      while (retired < budget) {
        const eip = i32[EIP_INDEX];
        cpu.startEip = eip;
        const singleStep = (i32[EFLAGS_INDEX] & TF) !== 0;
        const i = this.fetch(eip);
        i32[EIP_INDEX] = cpu.code32 ? eip + i.length : (eip + i.length) & 0xffff;
        HANDLERS[i.op.id](cpu, i);
        if (profile !== null) profile[i.op.id]++;
        retired++;
        if (singleStep && !NO_STEP_TRAP.has(i.op.mnemonic)) {
          if (!deliverSingleStep(cpu)) return { retired, tripleFault: true };
          break;
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
