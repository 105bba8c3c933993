/**
 * Far control transfers and software interrupts (SDM vol. 3 §5.8, §6.12, §7.3; vol. 2 JMP,
 * CALL, RET, IRET, INT n): jmp/call far to code segments with the conforming rules, through call
 * gates (to the same level, or to an inner level with the stack switch from the TSS and the
 * parameter copy), and to a TSS or task gate; retf to the same or an outer level; iret in real,
 * virtual-8086 and protected mode (same level, outer level, to virtual-8086 mode, and the task
 * return through the back link when NT is set); int n, int3, into, int1 and bound.
 */

import {
  ATTR_CODE,
  ATTR_DB,
  ATTR_DC,
  ATTR_DPL_SHIFT,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  type Cpu,
} from "../cpu.ts";
import type { Instr } from "../decode/instr.ts";
import { K_A } from "../decode/operand.ts";
import { deliverInterrupt, readTssStack, SOURCE_EXTERNAL, SOURCE_SOFTWARE } from "../exceptions.ts";
import { BP, BR, DB, GP, NP, OFV, raise, SS_FAULT, TS } from "../fault.ts";
import { IF, IOPL, IOPL_SHIFT, NT, OF, VIF, VIP, VM } from "../flags.ts";
import {
  descAttrs,
  descBase,
  descDpl,
  descLimit,
  type Descriptor,
  loadCodeSegment,
  loadSegment,
  readDescriptor,
  setAccessed,
} from "../segments.ts";
import { CS, DS, ES, ESP, FS, GS, OFF_TR, SS } from "../state.ts";
import { switchTask, TASK_CALL, TASK_IRET, TASK_JMP } from "../task_switch.ts";
import { writeFlagsChecked } from "./stack.ts";
import type { HandlerTable } from "./handler.ts";

/** System descriptor types reachable by a far jmp/call. */
const TYPE_TSS16 = 0x1;
const TYPE_CALL_GATE16 = 0x4;
const TYPE_TASK_GATE = 0x5;
const TYPE_TSS32 = 0x9;
const TYPE_CALL_GATE32 = 0xc;

/** Runs `body`, restoring ESP if it faults (pushes that partly succeeded leave no trace). */
function keepingEsp(cpu: Cpu, body: () => void): void {
  const esp = cpu.reg32(ESP);
  try {
    body();
  } catch (e) {
    cpu.setReg32(ESP, esp);
    throw e;
  }
}

/** The far pointer operand: Ap (immediate) or Mp (memory: offset, then selector). */
function farOperand(cpu: Cpu, i: Instr): { off: number; sel: number } {
  if (i.op.operands[0].kind === K_A) return { off: i.imm, sel: i.imm2 & 0xffff };
  const size = i.o32 ? 4 : 2;
  const ea = cpu.effAddr(i);
  const off = cpu.readSeg(i.seg, ea, size);
  const sel = cpu.readSeg(i.seg, i.a32 ? (ea + size) | 0 : (ea + size) & 0xffff, 2);
  return { off, sel };
}

/** Reads a descriptor or raises #GP(selector) (#GP(0) for a null selector). */
function descriptorOrGp(cpu: Cpu, sel: number): Descriptor {
  if ((sel & 0xfffc) === 0) raise(GP, 0);
  const d = readDescriptor(cpu, sel);
  if (d === null) raise(GP, sel & 0xfffc);
  return d;
}

/**
 * Commits CS with RPL = `cpl` from a checked descriptor, sets its accessed bit (SDM vol. 3
 * §3.4.5.1), and sets CPL.
 */
function commitCs(cpu: Cpu, sel: number, d: Descriptor, cpl: number): void {
  setAccessed(cpu, d);
  cpu.setSegmentCache(CS, (sel & 0xfffc) | cpl, descBase(d), descLimit(d), descAttrs(d));
  cpu.cpl = cpl;
}

/** Raises #GP(0) when `off` lies beyond the limit of the code segment `d`. */
function checkOffset(d: Descriptor, off: number): void {
  if ((off >>> 0) > descLimit(d) >>> 0) raise(GP, 0);
}

/** The checks of a direct jmp/call to a code segment (SDM vol. 3 §5.8.1). */
function checkDirectCode(cpu: Cpu, sel: number, d: Descriptor): void {
  const attrs = descAttrs(d);
  const dpl = descDpl(d);
  const cpl = cpu.cpl;
  if ((attrs & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE)) raise(GP, sel & 0xfffc);
  if ((attrs & ATTR_DC) !== 0 ? dpl > cpl : (sel & 3) > cpl || dpl !== cpl) {
    raise(GP, sel & 0xfffc);
  }
  if ((attrs & ATTR_P) === 0) raise(NP, sel & 0xfffc);
}

/** The checks of the code segment named by a call gate (SDM vol. 3 §5.8.4). */
function checkGateTarget(cpu: Cpu, sel: number): Descriptor {
  const d = descriptorOrGp(cpu, sel);
  const attrs = descAttrs(d);
  if ((attrs & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE) || descDpl(d) > cpu.cpl) {
    raise(GP, sel & 0xfffc);
  }
  if ((attrs & ATTR_P) === 0) raise(NP, sel & 0xfffc);
  return d;
}

/** Checks a TSS descriptor named directly by jmp/call: DPL against CPL and RPL. */
function checkTssTarget(cpu: Cpu, sel: number, d: Descriptor): void {
  const dpl = descDpl(d);
  if (dpl < cpu.cpl || dpl < (sel & 3)) raise(GP, sel & 0xfffc);
  if ((descAttrs(d) & ATTR_P) === 0) raise(NP, sel & 0xfffc);
}

/** Checks a gate's DPL and presence (call and task gates named by jmp/call). */
function checkGate(cpu: Cpu, sel: number, d: Descriptor): void {
  const dpl = descDpl(d);
  if (dpl < cpu.cpl || dpl < (sel & 3)) raise(GP, sel & 0xfffc);
  if ((descAttrs(d) & ATTR_P) === 0) raise(NP, sel & 0xfffc);
}

/** A far jmp or call in real or virtual-8086 mode. */
function realFar(cpu: Cpu, i: Instr, sel: number, off: number, call: boolean): void {
  const target = i.o32 ? off : off & 0xffff;
  const size = i.o32 ? 4 : 2;
  if (call) {
    keepingEsp(cpu, () => {
      cpu.push(cpu.segSelector(CS), size);
      cpu.push(cpu.eip, size);
    });
  }
  loadCodeSegment(cpu, sel, cpu.cpl);
  cpu.eip = target;
}

/** jmp far in protected mode. */
function protectedJmp(cpu: Cpu, sel: number, off: number, o32: boolean): void {
  const d = descriptorOrGp(cpu, sel);
  const attrs = descAttrs(d);
  if ((attrs & ATTR_S) !== 0) {
    checkDirectCode(cpu, sel, d);
    const target = o32 ? off : off & 0xffff;
    checkOffset(d, target);
    commitCs(cpu, sel, d, cpu.cpl);
    cpu.eip = target;
    return;
  }
  const type = attrs & 0xf;
  if (farTaskSwitch(cpu, sel, d, type, TASK_JMP)) return;
  if (type !== TYPE_CALL_GATE16 && type !== TYPE_CALL_GATE32) raise(GP, sel & 0xfffc);
  checkGate(cpu, sel, d);
  const csSel = d.lo >>> 16;
  const cd = checkGateTarget(cpu, csSel);
  // jmp through a call gate never changes privilege: non-conforming targets need DPL = CPL.
  if ((descAttrs(cd) & ATTR_DC) === 0 && descDpl(cd) !== cpu.cpl) raise(GP, csSel & 0xfffc);
  const target = type === TYPE_CALL_GATE32 ? (d.lo & 0xffff) | (d.hi & 0xffff0000) : d.lo & 0xffff;
  checkOffset(cd, target);
  commitCs(cpu, csSel, cd, cpu.cpl);
  cpu.eip = target;
}

/**
 * A far jmp or call to a TSS or a task gate switches tasks (SDM vol. 3 §7.3); returns false when
 * the descriptor is neither, leaving the caller to handle code segments and call gates.
 */
function farTaskSwitch(cpu: Cpu, sel: number, d: Descriptor, type: number, kind: number): boolean {
  if (type === TYPE_TSS16 || type === TYPE_TSS32) {
    checkTssTarget(cpu, sel, d);
    switchTask(cpu, sel, kind, -1);
    return true;
  }
  if (type === TYPE_TASK_GATE) {
    checkGate(cpu, sel, d);
    switchTask(cpu, d.lo >>> 16, kind, -1);
    return true;
  }
  return false;
}

/** call far in protected mode. */
function protectedCall(cpu: Cpu, sel: number, off: number, o32: boolean): void {
  const d = descriptorOrGp(cpu, sel);
  const attrs = descAttrs(d);
  if ((attrs & ATTR_S) !== 0) {
    checkDirectCode(cpu, sel, d);
    const target = o32 ? off : off & 0xffff;
    checkOffset(d, target);
    const size = o32 ? 4 : 2;
    keepingEsp(cpu, () => {
      cpu.push(cpu.segSelector(CS), size);
      cpu.push(cpu.eip, size);
    });
    commitCs(cpu, sel, d, cpu.cpl);
    cpu.eip = target;
    return;
  }
  const type = attrs & 0xf;
  if (farTaskSwitch(cpu, sel, d, type, TASK_CALL)) return;
  if (type !== TYPE_CALL_GATE16 && type !== TYPE_CALL_GATE32) raise(GP, sel & 0xfffc);
  checkGate(cpu, sel, d);
  const gate32 = type === TYPE_CALL_GATE32;
  const size = gate32 ? 4 : 2;
  const csSel = d.lo >>> 16;
  const cd = checkGateTarget(cpu, csSel);
  const target = gate32 ? (d.lo & 0xffff) | (d.hi & 0xffff0000) : d.lo & 0xffff;
  const dpl = descDpl(cd);
  const oldCs = cpu.segSelector(CS);
  const oldEip = cpu.eip;
  if ((descAttrs(cd) & ATTR_DC) === 0 && dpl < cpu.cpl) {
    callInner(cpu, cd, csSel, target, dpl, size, d.hi & 0x1f);
    return;
  }
  checkOffset(cd, target);
  keepingEsp(cpu, () => {
    cpu.push(oldCs, size);
    cpu.push(oldEip, size);
  });
  commitCs(cpu, csSel, cd, cpu.cpl);
  cpu.eip = target;
}

/** The new stack of an inner-level call, checked as the SDM requires (#TS and #SS). */
function innerStack(cpu: Cpu, dpl: number): { sel: number; d: Descriptor; esp: number } {
  const { ss, esp } = readTssStack(cpu, dpl, 0);
  if ((ss & 0xfffc) === 0) raise(TS, 0);
  const d = readDescriptor(cpu, ss);
  if (d === null) raise(TS, ss & 0xfffc);
  const attrs = descAttrs(d);
  if (
    (ss & 3) !== dpl || descDpl(d) !== dpl ||
    (attrs & (ATTR_S | ATTR_CODE | ATTR_RW)) !== (ATTR_S | ATTR_RW)
  ) raise(TS, ss & 0xfffc);
  if ((attrs & ATTR_P) === 0) raise(SS_FAULT, ss & 0xfffc);
  return { sel: ss, d, esp };
}

/** Writes `values` downwards on a stack that is not yet loaded, checking its limit (#SS). */
function pushOnStack(
  cpu: Cpu,
  sel: number,
  d: Descriptor,
  sp: number,
  values: number[],
  size: number,
): number {
  const base = descBase(d);
  const limit = descLimit(d) >>> 0;
  const attrs = descAttrs(d);
  const big = (attrs & ATTR_DB) !== 0;
  const expandDown = (attrs & ATTR_DC) !== 0;
  let p = sp;
  const writes: Array<[number, number]> = [];
  for (const v of values) {
    p = big ? (p - size) | 0 : (p - size) & 0xffff;
    const first = p >>> 0, last = (first + size - 1) >>> 0;
    const bad = expandDown ? first <= limit || last > (big ? 0xffffffff : 0xffff) : last > limit;
    if (bad || last < first) raise(SS_FAULT, sel & 0xfffc);
    writes.push([(base + p) | 0, v]);
  }
  for (const [lin, v] of writes) cpu.mmu.writeSystem(lin, size, v);
  return p;
}

/** A call through a call gate to a more privileged non-conforming segment. */
function callInner(
  cpu: Cpu,
  cd: Descriptor,
  csSel: number,
  target: number,
  dpl: number,
  size: number,
  paramCount: number,
): void {
  const stack = innerStack(cpu, dpl);
  checkOffset(cd, target);
  const oldSs = cpu.segSelector(SS);
  const oldEsp = cpu.reg32(ESP);
  // Parameters are read from the caller's stack at the caller's privilege.
  const params: number[] = [];
  for (let n = paramCount - 1; n >= 0; n--) params.push(cpu.peek(n * size, size));
  const frame = [
    oldSs,
    cpu.stack32 ? oldEsp : oldEsp & 0xffff,
    ...params,
    cpu.segSelector(CS),
    cpu.eip,
  ];
  const sp = pushOnStack(cpu, stack.sel, stack.d, stack.esp, frame, size);
  setAccessed(cpu, stack.d);
  cpu.setSegmentCache(SS, stack.sel, descBase(stack.d), descLimit(stack.d), descAttrs(stack.d));
  if ((descAttrs(stack.d) & ATTR_DB) !== 0) cpu.setReg32(ESP, sp);
  else cpu.setReg16(ESP, sp);
  commitCs(cpu, csSel, cd, dpl);
  cpu.eip = target;
}

/** The checks of the code segment a retf or iret returns to (SDM vol. 2 RET, IRET). */
function checkReturnCs(cpu: Cpu, sel: number): Descriptor {
  const d = descriptorOrGp(cpu, sel);
  const attrs = descAttrs(d);
  const rpl = sel & 3;
  const dpl = descDpl(d);
  if ((attrs & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE) || rpl < cpu.cpl) {
    raise(GP, sel & 0xfffc);
  }
  if ((attrs & ATTR_DC) !== 0 ? dpl > rpl : dpl !== rpl) raise(GP, sel & 0xfffc);
  if ((attrs & ATTR_P) === 0) raise(NP, sel & 0xfffc);
  return d;
}

/** The checks of the stack segment popped by a return to an outer level. */
function checkReturnSs(cpu: Cpu, sel: number, rpl: number): Descriptor {
  const d = descriptorOrGp(cpu, sel);
  const attrs = descAttrs(d);
  if (
    (sel & 3) !== rpl || descDpl(d) !== rpl ||
    (attrs & (ATTR_S | ATTR_CODE | ATTR_RW)) !== (ATTR_S | ATTR_RW)
  ) raise(GP, sel & 0xfffc);
  if ((attrs & ATTR_P) === 0) raise(SS_FAULT, sel & 0xfffc);
  return d;
}

/** After a return to an outer level: data segments the new CPL may not use become null. */
function nullInaccessibleSegments(cpu: Cpu): void {
  const cpl = cpu.cpl;
  for (const s of [ES, DS, FS, GS]) {
    const attrs = cpu.segAttrs(s);
    const dpl = (attrs >>> ATTR_DPL_SHIFT) & 3;
    const conformingCode = (attrs & (ATTR_CODE | ATTR_DC)) === (ATTR_CODE | ATTR_DC);
    if (!conformingCode && dpl < cpl) cpu.setSegmentCache(s, 0, 0, 0, 0);
  }
}

/** Completes a return to an outer level: CS, CPL, SS:ESP, then the data segment rule. */
function returnOuter(
  cpu: Cpu,
  cs: number,
  cd: Descriptor,
  ss: number,
  sd: Descriptor,
  esp: number,
): void {
  const rpl = cs & 3;
  commitCs(cpu, cs, cd, rpl);
  setAccessed(cpu, sd);
  cpu.setSegmentCache(SS, ss, descBase(sd), descLimit(sd), descAttrs(sd));
  if ((descAttrs(sd) & ATTR_DB) !== 0) cpu.setReg32(ESP, esp);
  else cpu.setReg16(ESP, esp);
  nullInaccessibleSegments(cpu);
}

/** retf and retf imm16. */
function farReturn(cpu: Cpu, i: Instr): void {
  const size = i.o32 ? 4 : 2;
  const imm = i.op.operands.length > 0 ? i.imm & 0xffff : 0;
  const eip = cpu.peek(0, size);
  const cs = cpu.peek(size, size) & 0xffff;
  if (!cpu.protectedMode) {
    const target = i.o32 ? eip : eip & 0xffff;
    loadCodeSegment(cpu, cs, cpu.cpl);
    cpu.eip = target;
    cpu.setSp(cpu.sp + 2 * size + imm);
    return;
  }
  const cd = checkReturnCs(cpu, cs);
  const target = i.o32 ? eip : eip & 0xffff;
  const rpl = cs & 3;
  if (rpl === cpu.cpl) {
    checkOffset(cd, target);
    commitCs(cpu, cs, cd, rpl);
    cpu.eip = target;
    cpu.setSp(cpu.sp + 2 * size + imm);
    return;
  }
  const esp = cpu.peek(2 * size + imm, size);
  const ss = cpu.peek(3 * size + imm, size) & 0xffff;
  const sd = checkReturnSs(cpu, ss, rpl);
  checkOffset(cd, target);
  returnOuter(cpu, cs, cd, ss, sd, (esp + imm) | 0);
  cpu.eip = target;
}

/** EFLAGS as iret loads them in protected mode, under the privilege of `cpl` (the old CPL). */
function iretFlags(cpu: Cpu, v: number, size: number, cpl: number): void {
  const old = cpu.getFlags();
  let mask = 0x3f7fd5 & ~VM;
  if (cpl > 0) mask &= ~(IOPL | VIF | VIP);
  if (cpl > (old & IOPL) >>> IOPL_SHIFT) mask &= ~IF;
  if (size === 2) mask &= 0xffff;
  cpu.setFlags((old & ~mask) | (v & mask));
}

/** iret at CPL 0 with VM set in the popped EFLAGS: the return to virtual-8086 mode. */
function iretToVm86(cpu: Cpu, eip: number, cs: number, flags: number): void {
  const v: number[] = [];
  for (let n = 3; n < 9; n++) v.push(cpu.peek(n * 4, 4));
  const [esp, ss, es, ds, fs, gs] = v;
  cpu.setFlags(flags);
  cpu.cpl = 3;
  loadCodeSegment(cpu, cs & 0xffff, 3);
  for (const [s, sel] of [[ES, es], [DS, ds], [FS, fs], [GS, gs], [SS, ss]] as const) {
    loadSegment(cpu, s, sel & 0xffff);
  }
  cpu.setReg32(ESP, esp);
  cpu.eip = eip & 0xffff;
  cpu.requestStop();
}

/** iret in every mode. */
function interruptReturn(cpu: Cpu, i: Instr): void {
  const size = i.o32 ? 4 : 2;
  if (cpu.vm86) {
    if (((cpu.rawFlags & IOPL) >>> IOPL_SHIFT) < 3) raise(GP, 0);
  } else if (cpu.protectedMode && (cpu.rawFlags & NT) !== 0) {
    const link = cpu.mmu.readSystem(cpu.i32[(OFF_TR + 4) >> 2], 2);
    switchTask(cpu, link, TASK_IRET, -1);
    return;
  }
  const eip = cpu.peek(0, size);
  const cs = cpu.peek(size, size) & 0xffff;
  const flags = cpu.peek(2 * size, size);
  if (!cpu.protectedMode) {
    const target = i.o32 ? eip : eip & 0xffff;
    if (cpu.vm86 && (target >>> 0) > 0xffff) raise(GP, 0);
    if (cpu.vm86) {
      writeFlagsChecked(cpu, flags, size);
    } else {
      const old = cpu.getFlags();
      const keep = size === 4 ? VM | VIP | VIF : ~0xffff;
      cpu.setFlags((old & keep) | (flags & ~keep));
    }
    loadCodeSegment(cpu, cs, cpu.cpl);
    cpu.eip = target;
    cpu.setSp(cpu.sp + 3 * size);
    cpu.requestStop();
    return;
  }
  if (size === 4 && (flags & VM) !== 0 && cpu.cpl === 0) {
    iretToVm86(cpu, eip, cs, flags);
    return;
  }
  const cd = checkReturnCs(cpu, cs);
  const target = size === 4 ? eip : eip & 0xffff;
  const rpl = cs & 3;
  const oldCpl = cpu.cpl;
  if (rpl === oldCpl) {
    checkOffset(cd, target);
    iretFlags(cpu, flags, size, oldCpl);
    commitCs(cpu, cs, cd, rpl);
    cpu.eip = target;
    cpu.setSp(cpu.sp + 3 * size);
    cpu.requestStop();
    return;
  }
  const esp = cpu.peek(3 * size, size);
  const ss = cpu.peek(4 * size, size) & 0xffff;
  const sd = checkReturnSs(cpu, ss, rpl);
  checkOffset(cd, target);
  iretFlags(cpu, flags, size, oldCpl);
  returnOuter(cpu, cs, cd, ss, sd, esp);
  cpu.eip = target;
  cpu.requestStop();
}

/** int n, int3, into: virtual-8086 mode with IOPL < 3 raises #GP(0) (no VME). */
function softwareInterrupt(cpu: Cpu, vector: number): void {
  if (cpu.vm86 && ((cpu.rawFlags & IOPL) >>> IOPL_SHIFT) < 3) raise(GP, 0);
  keepingEsp(cpu, () => deliverInterrupt(cpu, vector, -1, SOURCE_SOFTWARE));
  cpu.requestStop();
}

/** Handlers of this family. */
export const FAR_HANDLERS: HandlerTable = {
  jmp_far(cpu, i) {
    const { off, sel } = farOperand(cpu, i);
    if (!cpu.protectedMode) realFar(cpu, i, sel, off, false);
    else protectedJmp(cpu, sel, off, i.o32);
    cpu.requestStop();
  },
  call_far(cpu, i) {
    const { off, sel } = farOperand(cpu, i);
    if (!cpu.protectedMode) realFar(cpu, i, sel, off, true);
    else protectedCall(cpu, sel, off, i.o32);
    cpu.requestStop();
  },
  retf(cpu, i) {
    farReturn(cpu, i);
    cpu.requestStop();
  },
  iret(cpu, i) {
    interruptReturn(cpu, i);
  },
  int(cpu, i) {
    softwareInterrupt(cpu, i.imm & 0xff);
  },
  int3(cpu) {
    softwareInterrupt(cpu, BP);
  },
  into(cpu) {
    if ((cpu.arith() & OF) !== 0) softwareInterrupt(cpu, OFV);
  },
  int1(cpu) {
    // ICEBP: a debug trap delivered like a hardware event (no gate DPL check).
    keepingEsp(cpu, () => deliverInterrupt(cpu, DB, -1, SOURCE_EXTERNAL));
    cpu.requestStop();
  },
  bound(cpu, i) {
    const size = i.o32 ? 4 : 2;
    const ea = cpu.effAddr(i);
    const lower = signed(cpu.readSeg(i.seg, ea, size), size);
    const upper = signed(
      cpu.readSeg(i.seg, i.a32 ? (ea + size) | 0 : (ea + size) & 0xffff, size),
      size,
    );
    const v = signed(cpu.readReg(i.reg, size), size);
    if (v < lower || v > upper) raise(BR);
  },
};

function signed(v: number, size: number): number {
  return size === 4 ? v | 0 : (v << 16) >> 16;
}
