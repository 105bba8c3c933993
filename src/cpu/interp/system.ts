/**
 * System instructions (SDM vol. 3 ch. 2–5, vol. 2 for each instruction): segment register
 * loads (mov Sw, les/lds/lss/lfs/lgs), descriptor-table registers (lgdt, lidt, sgdt, sidt,
 * lldt, sldt, ltr, str), control and debug registers, lmsw/smsw/clts, invlpg, invd/wbinvd,
 * lar/lsl/verr/verw/arpl, hlt, cli/sti, cpuid, rdtsc, rdmsr/wrmsr, rdpmc, sysenter/sysexit,
 * ud2, and the x87 escapes of a CPU without an x87 (fpu, fwait).
 */

import {
  ATTR_CODE,
  ATTR_DB,
  ATTR_DC,
  ATTR_DPL_SHIFT,
  ATTR_G,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  type Cpu,
  CR0_EM,
  CR0_MP,
  CR0_PE,
  CR0_TS,
} from "../cpu.ts";
import {
  CR4_DE,
  CR4_PCE,
  CR4_TSD,
  readCr,
  readCr4,
  readDr,
  writeCr,
  writeCr0,
  writeDr,
} from "../control_regs.ts";
import type { Instr } from "../decode/instr.ts";
import { GP, NM, NP, raise, UD } from "../fault.ts";
import { IF, IOPL, IOPL_SHIFT, RF, VM, ZF } from "../flags.ts";
import {
  descAttrs,
  descBase,
  descDpl,
  descLimit,
  type Descriptor,
  loadSegment,
  readDescriptor,
} from "../segments.ts";
import {
  CS,
  EAX,
  EBX,
  ECX,
  EDX,
  ESP,
  OFF_GDTR_BASE,
  OFF_GDTR_LIMIT,
  OFF_IDTR_BASE,
  OFF_IDTR_LIMIT,
  OFF_LDTR,
  OFF_SYSENTER_CS,
  OFF_SYSENTER_EIP,
  OFF_SYSENTER_ESP,
  OFF_TR,
  OFF_TSC,
  SS,
} from "../state.ts";
import type { HandlerTable } from "./handler.ts";

/** MSR index of the time-stamp counter. */
export const MSR_TSC = 0x10;
/** MSR index of SYSENTER_CS. */
export const MSR_SYSENTER_CS = 0x174;
/** MSR index of SYSENTER_ESP. */
export const MSR_SYSENTER_ESP = 0x175;
/** MSR index of SYSENTER_EIP. */
export const MSR_SYSENTER_EIP = 0x176;

/** System descriptor type: LDT. */
const TYPE_LDT = 2;
/** System descriptor type: available 16-bit TSS. */
const TYPE_TSS16 = 1;
/** System descriptor type: available 32-bit TSS. */
const TYPE_TSS32 = 9;
/** Type bit that marks a TSS busy. */
const TYPE_BUSY = 2;
/** Flat 4 GiB code segment attributes of sysenter/sysexit (DPL added separately). */
const FLAT_CODE = ATTR_P | ATTR_S | ATTR_CODE | ATTR_RW | 1 | ATTR_DB | ATTR_G;
/** Flat 4 GiB data segment attributes of sysenter/sysexit. */
const FLAT_DATA = ATTR_P | ATTR_S | ATTR_RW | 1 | ATTR_DB | ATTR_G;

/** Raises #GP(0) unless CPL is 0 (in real mode CPL is 0; in virtual-8086 mode it is 3). */
export function requireCpl0(cpu: Cpu): void {
  if (cpu.vm86 || ((cpu.cr0 & CR0_PE) !== 0 && cpu.cpl !== 0)) raise(GP, 0);
}

/** Raises #UD outside protected mode (instructions that need descriptors). */
function requireProtected(cpu: Cpu): void {
  if (!cpu.protectedMode) raise(UD);
}

/** Sets or clears ZF (lar, lsl, verr, verw, arpl). */
function setZf(cpu: Cpu, on: boolean): void {
  cpu.setArithBits(ZF, on);
}

/** Writes a selector-sized result: a register with o32 gets it zero-extended, memory a word. */
function writeSelector(cpu: Cpu, i: Instr, v: number): void {
  if (i.mod === 3) cpu.writeReg(i.rm, i.o32 ? 4 : 2, v & 0xffff);
  else cpu.writeE(i, 2, v);
}

/** Reads a far pointer (offset, then selector) from the memory operand. */
function readFarPointer(cpu: Cpu, i: Instr, size: number): { off: number; sel: number } {
  const ea = cpu.effAddr(i);
  const off = cpu.readSeg(i.seg, ea, size);
  const sel = cpu.readSeg(i.seg, i.a32 ? (ea + size) | 0 : (ea + size) & 0xffff, 2);
  return { off, sel };
}

/** les/lds/lss/lfs/lgs: loads segment `s` and the G register from a far pointer. */
function loadFar(cpu: Cpu, i: Instr, s: number): void {
  const size = i.o32 ? 4 : 2;
  const { off, sel } = readFarPointer(cpu, i, size);
  loadSegment(cpu, s, sel);
  cpu.writeReg(i.reg, size, off);
}

/** Writes a register record (LDTR or TR) in the segment-cache format. */
function setSystemSegment(cpu: Cpu, off: number, sel: number, d: Descriptor | null): void {
  const o = off >> 2;
  cpu.i32[o] = sel & 0xffff;
  cpu.i32[o + 1] = d === null ? 0 : descBase(d);
  cpu.i32[o + 2] = d === null ? 0 : descLimit(d);
  cpu.i32[o + 3] = d === null ? 0 : descAttrs(d);
}

/** Reads a system descriptor that must live in the GDT (lldt, ltr), or raises #GP(sel). */
function readGdtSystem(cpu: Cpu, sel: number): Descriptor {
  if ((sel & 4) !== 0) raise(GP, sel & 0xfffc);
  const d = readDescriptor(cpu, sel);
  if (d === null) raise(GP, sel & 0xfffc);
  return d;
}

/** Whether a descriptor passes the privilege test of lar/lsl/verr/verw (conforming code is exempt). */
function visible(cpu: Cpu, d: Descriptor, sel: number): boolean {
  const attrs = descAttrs(d);
  const conforming = (attrs & (ATTR_S | ATTR_CODE | ATTR_DC)) === (ATTR_S | ATTR_CODE | ATTR_DC);
  if (conforming) return true;
  const dpl = descDpl(d);
  return dpl >= cpu.cpl && dpl >= (sel & 3);
}

/** System types lar reports (SDM vol. 2 LAR: TSS, LDT, call and task gates). */
const LAR_TYPES = new Set([1, 2, 3, 4, 5, 9, 0xb, 0xc]);
/** System types lsl reports (TSS and LDT). */
const LSL_TYPES = new Set([1, 2, 3, 9, 0xb]);

/** The descriptor for lar/lsl/verr/verw, or null when the instruction must clear ZF. */
function probe(cpu: Cpu, sel: number, types: Set<number> | null): Descriptor | null {
  if ((sel & 0xfffc) === 0) return null;
  const d = readDescriptor(cpu, sel);
  if (d === null) return null;
  const attrs = descAttrs(d);
  if ((attrs & ATTR_S) === 0 && (types === null || !types.has(attrs & 0xf))) return null;
  return visible(cpu, d, sel) ? d : null;
}

/** Value of the time-stamp counter: the environment's count plus the offset a TSC write set. */
function readTsc(cpu: Cpu): bigint {
  const offset = BigInt.asIntN(64, cpu.view.getBigInt64(OFF_TSC, true));
  return BigInt.asUintN(64, cpu.env.readTsc() + offset);
}

function writeEdxEax(cpu: Cpu, v: bigint): void {
  cpu.setReg32(EAX, Number(v & 0xffffffffn) | 0);
  cpu.setReg32(EDX, Number((v >> 32n) & 0xffffffffn) | 0);
}

/** Raises #NM when an x87 instruction meets CR0.EM or CR0.TS (SDM vol. 3 table 2-2). */
function x87Available(cpu: Cpu): void {
  if ((cpu.cr0 & (CR0_EM | CR0_TS)) !== 0) raise(NM);
}

/** Handlers of this family. */
export const SYSTEM_HANDLERS: HandlerTable = {
  mov_to_seg(cpu, i) {
    const sel = cpu.readE(i, 2);
    loadSegment(cpu, i.reg, sel);
    if (i.reg === SS) cpu.inhibitInterrupts();
  },
  mov_from_seg(cpu, i) {
    writeSelector(cpu, i, cpu.segSelector(i.reg));
  },
  les(cpu, i) {
    loadFar(cpu, i, 0);
  },
  lds(cpu, i) {
    loadFar(cpu, i, 3);
  },
  lss(cpu, i) {
    loadFar(cpu, i, SS);
  },
  lfs(cpu, i) {
    loadFar(cpu, i, 4);
  },
  lgs(cpu, i) {
    loadFar(cpu, i, 5);
  },

  lgdt(cpu, i) {
    requireCpl0(cpu);
    const ea = cpu.effAddr(i);
    const limit = cpu.readSeg(i.seg, ea, 2);
    const base = cpu.readSeg(i.seg, i.a32 ? (ea + 2) | 0 : (ea + 2) & 0xffff, 4);
    cpu.i32[OFF_GDTR_LIMIT >> 2] = limit;
    cpu.i32[OFF_GDTR_BASE >> 2] = i.o32 ? base : base & 0xffffff;
  },
  lidt(cpu, i) {
    requireCpl0(cpu);
    const ea = cpu.effAddr(i);
    const limit = cpu.readSeg(i.seg, ea, 2);
    const base = cpu.readSeg(i.seg, i.a32 ? (ea + 2) | 0 : (ea + 2) & 0xffff, 4);
    cpu.i32[OFF_IDTR_LIMIT >> 2] = limit;
    cpu.i32[OFF_IDTR_BASE >> 2] = i.o32 ? base : base & 0xffffff;
  },
  sgdt(cpu, i) {
    storeTableRegister(cpu, i, OFF_GDTR_BASE, OFF_GDTR_LIMIT);
  },
  sidt(cpu, i) {
    storeTableRegister(cpu, i, OFF_IDTR_BASE, OFF_IDTR_LIMIT);
  },
  lldt(cpu, i) {
    requireProtected(cpu);
    requireCpl0(cpu);
    const sel = cpu.readE(i, 2);
    if ((sel & 0xfffc) === 0) {
      setSystemSegment(cpu, OFF_LDTR, sel, null);
      return;
    }
    const d = readGdtSystem(cpu, sel);
    if ((descAttrs(d) & (ATTR_S | 0xf)) !== TYPE_LDT) raise(GP, sel & 0xfffc);
    if ((descAttrs(d) & ATTR_P) === 0) raise(NP, sel & 0xfffc);
    setSystemSegment(cpu, OFF_LDTR, sel, d);
  },
  sldt(cpu, i) {
    requireProtected(cpu);
    writeSelector(cpu, i, cpu.i32[OFF_LDTR >> 2]);
  },
  ltr(cpu, i) {
    requireProtected(cpu);
    requireCpl0(cpu);
    const sel = cpu.readE(i, 2);
    if ((sel & 0xfffc) === 0) raise(GP, 0);
    const d = readGdtSystem(cpu, sel);
    const type = descAttrs(d) & (ATTR_S | 0xf);
    if (type !== TYPE_TSS16 && type !== TYPE_TSS32) raise(GP, sel & 0xfffc);
    if ((descAttrs(d) & ATTR_P) === 0) raise(NP, sel & 0xfffc);
    d.hi |= TYPE_BUSY << 8;
    cpu.mmu.writeSystem((d.addr + 5) | 0, 1, (d.hi >>> 8) & 0xff);
    setSystemSegment(cpu, OFF_TR, sel, d);
  },
  str(cpu, i) {
    requireProtected(cpu);
    writeSelector(cpu, i, cpu.i32[OFF_TR >> 2]);
  },

  lmsw(cpu, i) {
    requireCpl0(cpu);
    const v = cpu.readE(i, 2);
    const cr0 = cpu.cr0;
    // PE can be set but not cleared; MP, EM and TS are loaded.
    writeCr0(cpu, (cr0 & ~0xe) | (v & 0xf) | (cr0 & CR0_PE));
  },
  smsw(cpu, i) {
    if (i.mod === 3) cpu.writeReg(i.rm, i.o32 ? 4 : 2, cpu.cr0);
    else cpu.writeE(i, 2, cpu.cr0 & 0xffff);
  },
  clts(cpu) {
    requireCpl0(cpu);
    writeCr0(cpu, cpu.cr0 & ~CR0_TS);
  },
  invlpg(cpu, i) {
    requireCpl0(cpu);
    cpu.mmu.flushPage((cpu.segBase(i.seg) + cpu.effAddr(i)) | 0);
  },
  invd(cpu) {
    requireCpl0(cpu);
  },
  wbinvd(cpu) {
    requireCpl0(cpu);
  },
  mov_from_cr(cpu, i) {
    requireCpl0(cpu);
    cpu.setReg32(i.rm, readCr(cpu, i.reg));
  },
  mov_to_cr(cpu, i) {
    requireCpl0(cpu);
    writeCr(cpu, i.reg, cpu.reg32(i.rm));
    cpu.requestStop();
  },
  mov_from_dr(cpu, i) {
    if ((i.reg === 4 || i.reg === 5) && (readCr4(cpu) & CR4_DE) !== 0) raise(UD);
    requireCpl0(cpu);
    cpu.setReg32(i.rm, readDr(cpu, i.reg));
  },
  mov_to_dr(cpu, i) {
    if ((i.reg === 4 || i.reg === 5) && (readCr4(cpu) & CR4_DE) !== 0) raise(UD);
    requireCpl0(cpu);
    writeDr(cpu, i.reg, cpu.reg32(i.rm));
  },

  lar(cpu, i) {
    requireProtected(cpu);
    const sel = cpu.readE(i, 2);
    const d = probe(cpu, sel, LAR_TYPES);
    if (d !== null) cpu.writeReg(i.reg, i.size1, d.hi & (i.o32 ? 0x00ffff00 : 0xff00));
    setZf(cpu, d !== null);
  },
  lsl(cpu, i) {
    requireProtected(cpu);
    const sel = cpu.readE(i, 2);
    const d = probe(cpu, sel, LSL_TYPES);
    if (d !== null) cpu.writeReg(i.reg, i.size1, descLimit(d));
    setZf(cpu, d !== null);
  },
  verr(cpu, i) {
    requireProtected(cpu);
    const sel = cpu.readE(i, 2);
    const d = probe(cpu, sel, null);
    const attrs = d === null ? 0 : descAttrs(d);
    setZf(cpu, d !== null && ((attrs & ATTR_CODE) === 0 || (attrs & ATTR_RW) !== 0));
  },
  verw(cpu, i) {
    requireProtected(cpu);
    const sel = cpu.readE(i, 2);
    const d = probe(cpu, sel, null);
    const attrs = d === null ? 0 : descAttrs(d);
    setZf(cpu, d !== null && (attrs & (ATTR_CODE | ATTR_RW)) === ATTR_RW);
  },
  arpl(cpu, i) {
    requireProtected(cpu);
    const dest = cpu.readE(i, 2);
    const src = cpu.readReg(i.reg, 2);
    if ((dest & 3) < (src & 3)) {
      cpu.writeE(i, 2, (dest & ~3) | (src & 3));
      setZf(cpu, true);
    } else {
      setZf(cpu, false);
    }
  },

  hlt(cpu) {
    requireCpl0(cpu);
    cpu.halted = true;
    cpu.requestStop();
  },
  cli(cpu) {
    checkIopl(cpu);
    cpu.setRawFlagBits(IF, false);
  },
  sti(cpu) {
    checkIopl(cpu);
    if ((cpu.rawFlags & IF) === 0) {
      cpu.setRawFlagBits(IF, true);
      cpu.inhibitInterrupts();
    }
  },
  cpuid(cpu) {
    const [a, b, c, d] = cpu.env.cpuid(cpu.reg32(EAX) >>> 0, cpu.reg32(ECX) >>> 0);
    cpu.setReg32(EAX, a | 0);
    cpu.setReg32(EBX, b | 0);
    cpu.setReg32(ECX, c | 0);
    cpu.setReg32(EDX, d | 0);
  },
  rdtsc(cpu) {
    if ((readCr4(cpu) & CR4_TSD) !== 0) requireCpl0(cpu);
    writeEdxEax(cpu, readTsc(cpu));
  },
  rdmsr(cpu) {
    requireCpl0(cpu);
    const index = cpu.reg32(ECX) >>> 0;
    let v: bigint | undefined;
    switch (index) {
      case MSR_TSC:
        v = readTsc(cpu);
        break;
      case MSR_SYSENTER_CS:
        v = BigInt(cpu.i32[OFF_SYSENTER_CS >> 2] >>> 0);
        break;
      case MSR_SYSENTER_ESP:
        v = BigInt(cpu.i32[OFF_SYSENTER_ESP >> 2] >>> 0);
        break;
      case MSR_SYSENTER_EIP:
        v = BigInt(cpu.i32[OFF_SYSENTER_EIP >> 2] >>> 0);
        break;
      default:
        v = cpu.env.readMsr(index);
    }
    if (v === undefined) raise(GP, 0);
    writeEdxEax(cpu, v);
  },
  wrmsr(cpu) {
    requireCpl0(cpu);
    const index = cpu.reg32(ECX) >>> 0;
    const lo = cpu.reg32(EAX);
    const v = (BigInt(cpu.reg32(EDX) >>> 0) << 32n) | BigInt(lo >>> 0);
    switch (index) {
      case MSR_TSC:
        cpu.view.setBigInt64(OFF_TSC, BigInt.asIntN(64, v - cpu.env.readTsc()), true);
        break;
      case MSR_SYSENTER_CS:
        cpu.i32[OFF_SYSENTER_CS >> 2] = lo;
        break;
      case MSR_SYSENTER_ESP:
        cpu.i32[OFF_SYSENTER_ESP >> 2] = lo;
        break;
      case MSR_SYSENTER_EIP:
        cpu.i32[OFF_SYSENTER_EIP >> 2] = lo;
        break;
      default:
        if (!cpu.env.writeMsr(index, v)) raise(GP, 0);
    }
  },
  rdpmc(cpu) {
    if ((readCr4(cpu) & CR4_PCE) === 0) requireCpl0(cpu);
    if ((cpu.reg32(ECX) >>> 0) > 1) raise(GP, 0);
    writeEdxEax(cpu, 0n);
  },
  sysenter(cpu) {
    const cs = cpu.i32[OFF_SYSENTER_CS >> 2] & 0xfffc;
    if ((cpu.cr0 & CR0_PE) === 0 || cs === 0) raise(GP, 0);
    cpu.setFlags(cpu.getFlags() & ~(VM | IF | RF));
    cpu.cpl = 0;
    cpu.setSegmentCache(CS, cs, 0, 0xffffffff, FLAT_CODE);
    cpu.setSegmentCache(SS, (cs + 8) & 0xfffc, 0, 0xffffffff, FLAT_DATA);
    cpu.setReg32(ESP, cpu.i32[OFF_SYSENTER_ESP >> 2]);
    cpu.eip = cpu.i32[OFF_SYSENTER_EIP >> 2];
    cpu.refreshMode();
  },
  sysexit(cpu) {
    const cs = cpu.i32[OFF_SYSENTER_CS >> 2] & 0xfffc;
    if ((cpu.cr0 & CR0_PE) === 0 || cs === 0) raise(GP, 0);
    requireCpl0(cpu);
    const dpl3 = 3 << ATTR_DPL_SHIFT;
    cpu.cpl = 3;
    cpu.setSegmentCache(CS, ((cs + 16) & 0xfffc) | 3, 0, 0xffffffff, FLAT_CODE | dpl3);
    cpu.setSegmentCache(SS, ((cs + 24) & 0xfffc) | 3, 0, 0xffffffff, FLAT_DATA | dpl3);
    cpu.setReg32(ESP, cpu.reg32(ECX));
    cpu.eip = cpu.reg32(EDX);
    cpu.refreshMode();
  },
  ud2() {
    raise(UD);
  },
  fpu(cpu) {
    x87Available(cpu);
    raise(UD);
  },
  fwait(cpu) {
    if ((cpu.cr0 & (CR0_TS | CR0_MP)) === (CR0_TS | CR0_MP)) raise(NM);
  },
};

/** sgdt/sidt: stores the limit and base (a 24-bit base with 16-bit operand size). */
function storeTableRegister(cpu: Cpu, i: Instr, baseOff: number, limitOff: number): void {
  const ea = cpu.effAddr(i);
  const base = cpu.i32[baseOff >> 2];
  const ea2 = i.a32 ? (ea + 2) | 0 : (ea + 2) & 0xffff;
  // Check both parts before writing either.
  cpu.linear(i.seg, ea, 2, true);
  cpu.linear(i.seg, ea2, 4, true);
  cpu.writeSeg(i.seg, ea, 2, cpu.i32[limitOff >> 2] & 0xffff);
  cpu.writeSeg(i.seg, ea2, 4, i.o32 ? base : base & 0xffffff);
}

/** cli/sti: allowed in real mode, at CPL <= IOPL in protected mode, with IOPL 3 in vm86. */
function checkIopl(cpu: Cpu): void {
  if ((cpu.cr0 & CR0_PE) === 0) return;
  const iopl = (cpu.rawFlags & IOPL) >>> IOPL_SHIFT;
  if (cpu.vm86 ? iopl < 3 : cpu.cpl > iopl) raise(GP, 0);
}
