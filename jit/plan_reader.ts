/**
 * The code readers the JIT engine decodes through: `PlanReader` reads a block's bytes straight
 * from the host page it was found on (and, for its last instruction, the next page), for
 * planning; `CsReader` reads through the MMU, for the engine's own interpreted instructions.
 */

import type { Cpu } from "../src/cpu/cpu.ts";
import type { CodeReader } from "../src/cpu/decode/decode.ts";
import { CS } from "../src/cpu/state.ts";
import { PlanBoundary } from "./plan.ts";

/** Longest x86 instruction: how far the last one of a block may reach into the next page. */
const MAX_INSTR_BYTES = 15;

/**
 * Reads code bytes for planning: within one host page, honouring a checked CS limit, and when
 * the next page's host page is known, up to one instruction's length into it.
 */
export class PlanReader implements CodeReader {
  u8: Uint8Array;
  host = 0;
  entry = 0;
  room = 0;
  limit = -1;
  code32 = true;
  /** Host address of the next page, or -1 when instructions may not cross into it. */
  nextHost = -1;
  constructor(u8: Uint8Array) {
    this.u8 = u8;
  }
  fetch8(eip: number): number {
    const off = this.code32 ? (eip - this.entry) >>> 0 : (eip - this.entry) & 0xffff;
    if (this.limit >= 0 && (eip >>> 0) > this.limit) throw new PlanBoundary("CS limit");
    if (off < this.room) return this.u8[this.host + off];
    if (this.nextHost < 0 || off >= this.room + MAX_INSTR_BYTES) {
      throw new PlanBoundary("page end");
    }
    return this.u8[this.nextHost + off - this.room];
  }
}

/** Reads code bytes at CS:EIP through the MMU for the interpreter path. */
export class CsReader implements CodeReader {
  constructor(private cpu: Cpu) {}
  fetch8(eip: number): number {
    return this.cpu.mmu.read8(this.cpu.linear(CS, eip, 1, false));
  }
}
