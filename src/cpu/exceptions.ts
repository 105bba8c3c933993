/**
 * Interrupt and exception delivery (SDM vol. 3 ch. 6): real-mode delivery through the IVT,
 * protected-mode delivery through IDT interrupt and trap gates with the stack switch from the
 * TSS on a privilege change (and from virtual-8086 mode), and the double- and triple-fault rules.
 * Task gates are delivered by `task_switch.ts` through the `taskGate` hook.
 */

import { ATTR_CODE, ATTR_DB, ATTR_DC, ATTR_P, ATTR_S, type Cpu } from "./cpu.ts";
import { CpuFault, DB, DF, GP, hasErrorCode, NP, PF, raise, SS_FAULT, TS } from "./fault.ts";
import { AC, IF, NT, RF, TF, VM } from "./flags.ts";
import {
  descAttrs,
  descBase,
  descDpl,
  descLimit,
  readDescriptor,
  setAccessed,
} from "./segments.ts";
import {
  CS,
  DS,
  ES,
  ESP,
  FS,
  GS,
  OFF_DR,
  OFF_IDTR_BASE,
  OFF_IDTR_LIMIT,
  OFF_TR,
  SEG_BASE,
  SEG_LIMIT,
  SS,
} from "./state.ts";

/** DR6.BS: the debug exception was a single-step trap. */
const DR6_BS = 1 << 14;

/** An exception raised by an instruction (fault or trap). */
export const SOURCE_EXCEPTION = 0;
/** int n, int3, into: the gate's DPL is checked against CPL. */
export const SOURCE_SOFTWARE = 1;
/** An external interrupt (PIC) or NMI: error codes carry EXT = 1. */
export const SOURCE_EXTERNAL = 2;

/** Hook for task gates (installed by the task-switch module). */
export type TaskGateHandler = (
  cpu: Cpu,
  tssSelector: number,
  vector: number,
  errorCode: number,
) => void;

/** The installed task-gate handler; without one a task gate raises #GP. */
export let taskGateHandler: TaskGateHandler | null = null;
/** Installs the task-gate handler. */
export function setTaskGateHandler(h: TaskGateHandler): void {
  taskGateHandler = h;
}

/**
 * Delivers interrupt `vector`. `errorCode` is -1 when none is pushed. EIP must already hold the
 * return address (the faulting instruction for faults, the next one for traps and int n).
 */
export function deliverInterrupt(
  cpu: Cpu,
  vector: number,
  errorCode: number,
  source: number,
): void {
  if (!cpu.protectedMode && !cpu.vm86) {
    deliverReal(cpu, vector);
    return;
  }
  deliverProtected(cpu, vector, errorCode, source);
}

function deliverReal(cpu: Cpu, vector: number): void {
  const idtBase = cpu.i32[OFF_IDTR_BASE >> 2];
  const idtLimit = cpu.i32[OFF_IDTR_LIMIT >> 2] & 0xffff;
  if (vector * 4 + 3 > idtLimit) raise(GP, vector * 8 + 2);
  const entry = cpu.mmu.readSystem((idtBase + vector * 4) | 0, 4);
  const flags = cpu.getFlags();
  pushAll(cpu, [flags & 0xffff, cpu.segSelector(CS), cpu.eip & 0xffff], 2);
  cpu.setFlags(flags & ~(IF | TF | AC | RF));
  const sel = entry >>> 16;
  cpu.setSegmentCache(CS, sel, sel << 4, cpu.segLimit(CS), cpu.segAttrs(CS));
  cpu.eip = entry & 0xffff;
}

function deliverProtected(cpu: Cpu, vector: number, errorCode: number, source: number): void {
  const ext = source === SOURCE_EXTERNAL ? 1 : 0;
  const idtBase = cpu.i32[OFF_IDTR_BASE >> 2];
  const idtLimit = cpu.i32[OFF_IDTR_LIMIT >> 2] & 0xffff;
  const gateErr = vector * 8 + 2 + ext;
  if (vector * 8 + 7 > idtLimit) raise(GP, gateErr);
  const gAddr = (idtBase + vector * 8) | 0;
  const lo = cpu.mmu.readSystem(gAddr, 4);
  const hi = cpu.mmu.readSystem((gAddr + 4) | 0, 4);
  const type = (hi >>> 8) & 0x1f;
  const gateDpl = (hi >>> 13) & 3;
  if (type !== 0x05 && type !== 0x06 && type !== 0x07 && type !== 0x0e && type !== 0x0f) {
    raise(GP, gateErr);
  }
  if (source === SOURCE_SOFTWARE && gateDpl < cpu.cpl) raise(GP, gateErr);
  if ((hi & (1 << 15)) === 0) raise(NP, gateErr);
  if (type === 0x05) {
    if (taskGateHandler === null) raise(GP, gateErr);
    taskGateHandler(cpu, lo >>> 16, vector, errorCode);
    return;
  }
  const gate32 = (type & 8) !== 0;
  const trap = (type & 1) !== 0;
  const selector = lo >>> 16;
  const offset = gate32 ? (lo & 0xffff) | (hi & 0xffff0000) : lo & 0xffff;
  if ((selector & 0xfffc) === 0) raise(GP, ext);
  const d = readDescriptor(cpu, selector);
  if (d === null) raise(GP, (selector & 0xfffc) + ext);
  const attrs = descAttrs(d);
  const dpl = descDpl(d);
  if ((attrs & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE) || dpl > cpu.cpl) {
    raise(GP, (selector & 0xfffc) + ext);
  }
  if ((attrs & ATTR_P) === 0) raise(NP, (selector & 0xfffc) + ext);
  const oldFlags = cpu.getFlags();
  const fromVm86 = (oldFlags & VM) !== 0;
  const conforming = (attrs & ATTR_DC) !== 0;
  const size = gate32 ? 4 : 2;
  const oldCs = cpu.segSelector(CS);
  const oldEip = cpu.eip;
  if (!conforming && dpl < cpu.cpl) {
    if (fromVm86 && dpl !== 0) raise(GP, (selector & 0xfffc) + ext);
    // Inner-level delivery: new stack from the TSS.
    const { ss, esp } = readTssStack(cpu, dpl, ext);
    const oldSs = cpu.segSelector(SS);
    const oldEsp = cpu.reg32(4);
    const ssDesc = readDescriptor(cpu, ss);
    if (ssDesc === null) raise(TS, (ss & 0xfffc) + ext);
    const ssAttrs = descAttrs(ssDesc);
    if (
      (ss & 3) !== dpl || descDpl(ssDesc) !== dpl ||
      (ssAttrs & (ATTR_S | ATTR_CODE | 2)) !== (ATTR_S | 2)
    ) raise(TS, (ss & 0xfffc) + ext);
    if ((ssAttrs & ATTR_P) === 0) raise(SS_FAULT, (ss & 0xfffc) + ext);
    // Build the frame on the new stack with supervisor rights before committing any state.
    const ssBase = descBase(ssDesc);
    const big = (ssAttrs & ATTR_DB) !== 0;
    const words: number[] = [];
    if (fromVm86) {
      words.push(
        cpu.segSelector(GS),
        cpu.segSelector(FS),
        cpu.segSelector(DS),
        cpu.segSelector(ES),
      );
    }
    words.push(oldSs, oldEsp, oldFlags, oldCs, oldEip);
    if (errorCode >= 0) words.push(errorCode);
    let sp = esp;
    const saveCpl = cpu.cpl;
    cpu.cpl = 0;
    try {
      for (const w of words) {
        sp = big ? (sp - size) | 0 : (sp - size) & 0xffff;
        const lin = (ssBase + sp) | 0;
        if (size === 4) cpu.mmu.write32(lin, w);
        else cpu.mmu.write16(lin, w);
      }
    } catch (e) {
      cpu.cpl = saveCpl;
      if (e instanceof CpuFault && e.vector !== PF) raise(SS_FAULT, (ss & 0xfffc) + ext);
      throw e;
    }
    setAccessed(cpu, ssDesc);
    cpu.setSegmentCache(SS, ss, ssBase, descLimit(ssDesc), ssAttrs);
    if (big) cpu.setReg32(4, sp);
    else cpu.setReg16(4, sp);
    if (fromVm86) {
      for (const s of [ES, DS, FS, GS]) cpu.setSegmentCache(s, 0, 0, 0, 0);
    }
    cpu.setFlags(oldFlags & ~(TF | NT | RF | VM | (trap ? 0 : IF)));
    setAccessed(cpu, d);
    cpu.setSegmentCache(CS, (selector & ~3) | dpl, descBase(d), descLimit(d), descAttrs(d));
    cpu.cpl = dpl;
  } else {
    if (fromVm86) raise(GP, (selector & 0xfffc) + ext);
    const frame = [oldFlags, oldCs, oldEip];
    if (errorCode >= 0) frame.push(errorCode);
    pushAll(cpu, frame, size);
    cpu.setFlags(oldFlags & ~(TF | NT | RF | VM | (trap ? 0 : IF)));
    setAccessed(cpu, d);
    cpu.setSegmentCache(CS, (selector & ~3) | cpu.cpl, descBase(d), descLimit(d), descAttrs(d));
  }
  cpu.eip = offset;
  cpu.refreshMode();
}

/**
 * Pushes `values` in order on the current stack; if one push faults, ESP is restored so the
 * fault is precise.
 */
function pushAll(cpu: Cpu, values: number[], size: number): void {
  const esp = cpu.reg32(ESP);
  try {
    for (const v of values) cpu.push(v, size);
  } catch (e) {
    cpu.setReg32(ESP, esp);
    throw e;
  }
}

/**
 * Delivers the single-step trap (SDM vol. 3 §17.3.1.4) after an instruction that began with
 * EFLAGS.TF set: DR6.BS is set and #DB is delivered with EIP at the next instruction.
 * Returns false on a triple fault.
 */
export function deliverSingleStep(cpu: Cpu): boolean {
  cpu.i32[(OFF_DR >> 2) + 6] |= DR6_BS;
  return deliverFault(cpu, new CpuFault(DB));
}

/** Reads SSn:ESPn for privilege level `level` from the current 32- or 16-bit TSS. */
export function readTssStack(cpu: Cpu, level: number, ext: number): { ss: number; esp: number } {
  const base = cpu.i32[(OFF_TR + SEG_BASE) >> 2];
  const limit = cpu.i32[(OFF_TR + SEG_LIMIT) >> 2] >>> 0;
  const trType = (cpu.i32[(OFF_TR + 12) >> 2] >>> 0) & 0xf;
  const tss32 = (trType & 8) !== 0;
  const trSel = cpu.i32[OFF_TR >> 2] & 0xfffc;
  if (tss32) {
    const off = 4 + level * 8;
    if (off + 5 > limit) raise(TS, trSel + ext);
    return {
      esp: cpu.mmu.readSystem((base + off) | 0, 4),
      ss: cpu.mmu.readSystem((base + off + 4) | 0, 2),
    };
  }
  const off = 2 + level * 4;
  if (off + 3 > limit) raise(TS, trSel + ext);
  return {
    esp: cpu.mmu.readSystem((base + off) | 0, 2),
    ss: cpu.mmu.readSystem((base + off + 2) | 0, 2),
  };
}

/** Exceptions that are "contributory" for the double-fault rule (SDM vol. 3 table 6-5). */
function contributory(v: number): boolean {
  return v === 0 || (v >= 10 && v <= 13);
}

/**
 * Delivers a fault raised by an instruction, applying the double- and triple-fault rules.
 * Returns false on a triple fault (the machine shuts down).
 */
export function deliverFault(cpu: Cpu, fault: CpuFault): boolean {
  let vector = fault.vector;
  let code = hasErrorCode(vector) ? Math.max(fault.errorCode, 0) : -1;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      deliverInterrupt(cpu, vector, code, SOURCE_EXCEPTION);
      return true;
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      if (vector === DF) return false;
      const second = e.vector;
      const benignFirst = !contributory(vector) && vector !== PF;
      if (
        !benignFirst && (contributory(second) || (vector === PF && second === PF))
      ) {
        vector = DF;
        code = 0;
      } else {
        vector = second;
        code = hasErrorCode(second) ? Math.max(e.errorCode, 0) : -1;
      }
    }
  }
  return false;
}
