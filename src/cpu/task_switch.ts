/**
 * Hardware task switching (SDM vol. 3 ch. 7): jmp, call, iret and interrupts through a TSS
 * descriptor or a task gate, with 32-bit and 16-bit TSSs, busy bits, EFLAGS.NT and the back
 * link, saving the outgoing task's state and loading the incoming one (CR3, LDTR, segment
 * registers with their #TS/#NP/#SS checks, EFLAGS, EIP, general registers), and CR0.TS.
 * Faults found while loading the new task's segments are delivered in the new task's context.
 * Importing this module installs it as the task-gate handler of `exceptions.ts`.
 */

import {
  ATTR_CODE,
  ATTR_DC,
  ATTR_DPL_SHIFT,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  ATTRS_REAL_DATA,
  type Cpu,
  CR0_TS,
} from "./cpu.ts";
import { deliverFault, setTaskGateHandler } from "./exceptions.ts";
import { CpuFault, GP, NP, raise, SS_FAULT, TS } from "./fault.ts";
import { NT, VM } from "./flags.ts";
import {
  descAttrs,
  descBase,
  descDpl,
  descLimit,
  type Descriptor,
  readDescriptor,
  setAccessed,
} from "./segments.ts";
import {
  CS,
  DS,
  ES,
  FS,
  GS,
  OFF_CR0,
  OFF_CR3,
  OFF_LDTR,
  OFF_TR,
  SEG_ATTRS,
  SEG_BASE,
  segOffset,
  SS,
} from "./state.ts";

/** The switch was caused by jmp: the old task becomes available, no back link. */
export const TASK_JMP = 0;
/** The switch was caused by call: the new task is nested (NT, back link). */
export const TASK_CALL = 1;
/** The switch was caused by iret with NT set: the return to the task in the back link. */
export const TASK_IRET = 2;
/** The switch was caused by an interrupt or exception through a task gate (nested, like call). */
export const TASK_INT = 3;

/** Type bit that marks a TSS descriptor busy. */
const TYPE_BUSY = 2;
/** Type bit of a 32-bit TSS. */
const TYPE_32 = 8;
/** Smallest limit of a 32-bit TSS (104 bytes) and of a 16-bit TSS (44 bytes). */
const TSS32_MIN_LIMIT = 0x67;
const TSS16_MIN_LIMIT = 0x2b;

/** Segment registers in the order both TSS formats store them. */
const TSS_SEGS = [ES, CS, SS, DS, FS, GS];

/** A task's state as stored in its TSS. */
interface TaskState {
  eip: number;
  eflags: number;
  regs: number[];
  sels: number[];
  ldt: number;
  cr3: number;
}

/** Layout of one TSS format: where EIP, EFLAGS, the registers and selectors live. */
interface TssLayout {
  is32: boolean;
  eip: number;
  eflags: number;
  regs: number;
  segs: number;
  ldt: number;
  width: number;
  segCount: number;
}

/** 32-bit TSS (SDM vol. 3 figure 7-2). */
const LAYOUT32: TssLayout = {
  is32: true,
  eip: 0x20,
  eflags: 0x24,
  regs: 0x28,
  segs: 0x48,
  ldt: 0x60,
  width: 4,
  segCount: 6,
};
/** 16-bit TSS (SDM vol. 3 figure 7-11). */
const LAYOUT16: TssLayout = {
  is32: false,
  eip: 0x0e,
  eflags: 0x10,
  regs: 0x12,
  segs: 0x22,
  ldt: 0x2a,
  width: 2,
  segCount: 4,
};

function readTask(cpu: Cpu, base: number, l: TssLayout): TaskState {
  const rd = (off: number, size: number) => cpu.mmu.readSystem((base + off) | 0, size);
  const regs: number[] = [];
  for (let r = 0; r < 8; r++) regs.push(rd(l.regs + r * l.width, l.width));
  const sels: number[] = [];
  for (let n = 0; n < 6; n++) sels.push(n < l.segCount ? rd(l.segs + n * l.width, 2) : 0);
  return {
    eip: rd(l.eip, l.width),
    eflags: rd(l.eflags, l.width),
    regs,
    sels,
    ldt: rd(l.ldt, 2),
    cr3: l.is32 ? rd(0x1c, 4) : 0,
  };
}

function saveTask(cpu: Cpu, base: number, l: TssLayout, eflags: number): void {
  const wr = (off: number, size: number, v: number) =>
    cpu.mmu.writeSystem((base + off) | 0, size, v);
  wr(l.eip, l.width, cpu.eip);
  wr(l.eflags, l.width, eflags);
  for (let r = 0; r < 8; r++) wr(l.regs + r * l.width, l.width, cpu.reg32(r));
  for (let n = 0; n < l.segCount; n++) wr(l.segs + n * l.width, 2, cpu.segSelector(TSS_SEGS[n]));
}

/** Sets or clears the busy bit of the TSS descriptor `d` in the GDT. */
function setBusy(cpu: Cpu, d: Descriptor, busy: boolean): void {
  d.hi = busy ? d.hi | (TYPE_BUSY << 8) : d.hi & ~(TYPE_BUSY << 8);
  cpu.mmu.writeSystem((d.addr + 5) | 0, 1, (d.hi >>> 8) & 0xff);
}

/**
 * Switches to the task whose TSS selector is `sel` (SDM vol. 3 §7.3).
 * @param cpu the CPU; EIP holds the address the old task resumes at
 * @param sel the new TSS selector (from the instruction or a task gate)
 * @param reason TASK_JMP, TASK_CALL, TASK_IRET or TASK_INT
 * @param errorCode an exception's error code to push on the new task's stack, or -1
 */
export function switchTask(cpu: Cpu, sel: number, reason: number, errorCode: number): void {
  sel &= 0xffff;
  const failCode = reason === TASK_IRET ? TS : GP;
  if ((sel & 4) !== 0 || (sel & 0xfffc) === 0) raise(failCode, sel & 0xfffc);
  const d = readDescriptor(cpu, sel);
  if (d === null) raise(failCode, sel & 0xfffc);
  const type = descAttrs(d) & (ATTR_S | 0xf);
  const wantBusy = reason === TASK_IRET;
  if ((type & ~(TYPE_32 | TYPE_BUSY)) !== 1 || ((type & TYPE_BUSY) !== 0) !== wantBusy) {
    raise(failCode, sel & 0xfffc);
  }
  if ((descAttrs(d) & ATTR_P) === 0) raise(NP, sel & 0xfffc);
  const newLayout = (type & TYPE_32) !== 0 ? LAYOUT32 : LAYOUT16;
  if (descLimit(d) < (newLayout.is32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT)) raise(TS, sel & 0xfffc);

  const newBase = descBase(d);
  const next = readTask(cpu, newBase, newLayout);
  const oldSel = cpu.i32[OFF_TR >> 2] & 0xffff;
  const oldBase = cpu.i32[(OFF_TR + SEG_BASE) >> 2];
  const oldLayout = (cpu.i32[(OFF_TR + SEG_ATTRS) >> 2] & TYPE_32) !== 0 ? LAYOUT32 : LAYOUT16;
  let oldFlags = cpu.getFlags();
  if (reason === TASK_IRET) oldFlags &= ~NT;
  saveTask(cpu, oldBase, oldLayout, oldFlags);

  if (reason === TASK_JMP || reason === TASK_IRET) {
    const od = readDescriptor(cpu, oldSel);
    if (od !== null) setBusy(cpu, od, false);
  }
  let flags = next.eflags;
  if (!newLayout.is32) flags = (flags & 0xffff) | (oldFlags & 0xffff0000 & ~VM);
  if (reason === TASK_CALL || reason === TASK_INT) {
    cpu.mmu.writeSystem(newBase, 2, oldSel);
    flags |= NT;
  }
  if (reason !== TASK_IRET) setBusy(cpu, d, true);

  // Commit: TR, CR0.TS, CR3, EFLAGS, EIP, general registers, then the selectors.
  const tr = OFF_TR >> 2;
  cpu.i32[tr] = sel;
  cpu.i32[tr + 1] = newBase;
  cpu.i32[tr + 2] = descLimit(d);
  cpu.i32[tr + 3] = descAttrs(d);
  cpu.i32[OFF_CR0 >> 2] |= CR0_TS;
  if (newLayout.is32) {
    cpu.i32[OFF_CR3 >> 2] = next.cr3 & ~0xfe7;
    cpu.mmu.flushNonGlobal();
  }
  cpu.setFlags(flags);
  cpu.eip = newLayout.is32 ? next.eip : next.eip & 0xffff;
  for (let r = 0; r < 8; r++) cpu.writeReg(r, newLayout.width, next.regs[r]);
  for (let n = 0; n < 6; n++) cpu.i32[segOffset(TSS_SEGS[n]) >> 2] = next.sels[n];
  cpu.i32[OFF_LDTR >> 2] = next.ldt;
  cpu.requestStop();

  try {
    loadTaskSegments(cpu, next, (flags & VM) !== 0);
    if (errorCode >= 0) cpu.push(errorCode, newLayout.width);
    if ((cpu.eip >>> 0) > cpu.segLimit(CS)) raise(GP, 0);
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    if (!deliverFault(cpu, e)) throw e;
  }
}

/** Loads LDTR and the segment registers of the new task, in the SDM's order, with its checks. */
function loadTaskSegments(cpu: Cpu, t: TaskState, vm86: boolean): void {
  loadLdtr(cpu, t.ldt);
  if (vm86) {
    cpu.cpl = 3;
    const attrs = ATTRS_REAL_DATA | (3 << ATTR_DPL_SHIFT);
    for (let n = 0; n < 6; n++) {
      const s = TSS_SEGS[n];
      cpu.setSegmentCache(
        s,
        t.sels[n],
        t.sels[n] << 4,
        0xffff,
        s === CS ? attrs | ATTR_CODE : attrs,
      );
    }
    return;
  }
  const cs = t.sels[1];
  const cpl = cs & 3;
  const cd = taskDescriptor(cpu, cs);
  const cattrs = descAttrs(cd);
  const cdpl = descDpl(cd);
  if (
    (cattrs & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE) ||
    ((cattrs & ATTR_DC) !== 0 ? cdpl > cpl : cdpl !== cpl)
  ) raise(TS, cs & 0xfffc);
  if ((cattrs & ATTR_P) === 0) raise(NP, cs & 0xfffc);
  setAccessed(cpu, cd);
  cpu.setSegmentCache(CS, cs, descBase(cd), descLimit(cd), descAttrs(cd));
  cpu.cpl = cpl;

  const ss = t.sels[2];
  const sd = taskDescriptor(cpu, ss);
  const sattrs = descAttrs(sd);
  if (
    (sattrs & (ATTR_S | ATTR_CODE | ATTR_RW)) !== (ATTR_S | ATTR_RW) ||
    descDpl(sd) !== cpl || (ss & 3) !== cpl
  ) raise(TS, ss & 0xfffc);
  if ((sattrs & ATTR_P) === 0) raise(SS_FAULT, ss & 0xfffc);
  setAccessed(cpu, sd);
  cpu.setSegmentCache(SS, ss, descBase(sd), descLimit(sd), sattrs);

  for (const n of [0, 3, 4, 5]) {
    const s = TSS_SEGS[n];
    const sel = t.sels[n];
    if ((sel & 0xfffc) === 0) {
      cpu.setSegmentCache(s, sel, 0, 0, 0);
      continue;
    }
    const dd = taskDescriptor(cpu, sel);
    const a = descAttrs(dd);
    const code = (a & ATTR_CODE) !== 0;
    if ((a & ATTR_S) === 0 || (code && (a & ATTR_RW) === 0)) raise(TS, sel & 0xfffc);
    const conforming = code && (a & ATTR_DC) !== 0;
    if (!conforming && (descDpl(dd) < cpl || descDpl(dd) < (sel & 3))) raise(TS, sel & 0xfffc);
    if ((a & ATTR_P) === 0) raise(NP, sel & 0xfffc);
    setAccessed(cpu, dd);
    cpu.setSegmentCache(s, sel, descBase(dd), descLimit(dd), a);
  }
}

/** A descriptor the new task names, or #TS(selector) when it is null or beyond its table. */
function taskDescriptor(cpu: Cpu, sel: number): Descriptor {
  if ((sel & 0xfffc) === 0) raise(TS, sel & 0xfffc);
  const d = readDescriptor(cpu, sel);
  if (d === null) raise(TS, sel & 0xfffc);
  return d;
}

/** Loads LDTR from the new TSS (a null selector leaves it unusable). */
function loadLdtr(cpu: Cpu, sel: number): void {
  const o = OFF_LDTR >> 2;
  if ((sel & 0xfffc) === 0) {
    cpu.i32[o] = sel;
    cpu.i32[o + 1] = cpu.i32[o + 2] = cpu.i32[o + 3] = 0;
    return;
  }
  if ((sel & 4) !== 0) raise(TS, sel & 0xfffc);
  // The LDT descriptor is read from the GDT: clear the selector first so readDescriptor looks there.
  const d = readDescriptor(cpu, sel);
  if (d === null) raise(TS, sel & 0xfffc);
  const a = descAttrs(d);
  if ((a & (ATTR_S | 0xf)) !== 2 || (a & ATTR_P) === 0) raise(TS, sel & 0xfffc);
  cpu.i32[o] = sel;
  cpu.i32[o + 1] = descBase(d);
  cpu.i32[o + 2] = descLimit(d);
  cpu.i32[o + 3] = a;
}

setTaskGateHandler((cpu, tssSelector, _vector, errorCode) => {
  switchTask(cpu, tssSelector, TASK_INT, errorCode);
});
