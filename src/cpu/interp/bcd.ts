/**
 * Decimal arithmetic (SDM vol. 2 DAA, DAS, AAA, AAS, AAM, AAD; vol. 1 §7.3.2.4): 27 (daa),
 * 2F (das), 37 (aaa), 3F (aas), D4 (aam Ib) and D5 (aad Ib), following the SDM's pseudocode.
 *
 * Undefined flags and what they are here: OF after daa/das (cleared); OF, SF, ZF, PF after
 * aaa/aas (left unchanged); OF, AF, CF after aam/aad (cleared). aam with an immediate of 0
 * raises #DE before changing anything.
 */

import type { Cpu } from "../cpu.ts";
import { DE, raise } from "../fault.ts";
import { AF, ARITH_FLAGS, CF, LAZY_LOGIC, parityOf, SF, ZF } from "../flags.ts";
import { EAX } from "../state.ts";
import type { HandlerTable } from "./handler.ts";

/** AH in the 8-bit register numbering (AL=0, CL, DL, BL, AH=4). */
const AH = 4;

/** Sets SF, ZF, PF from AL and CF, AF as given; OF cleared. */
function setDecimalFlags(cpu: Cpu, al: number, cf: boolean, af: boolean): void {
  let f = parityOf(al) | (al === 0 ? ZF : 0) | ((al & 0x80) !== 0 ? SF : 0);
  if (cf) f |= CF;
  if (af) f |= AF;
  cpu.setFlags((cpu.getFlags() & ~ARITH_FLAGS) | f);
}

/** Replaces CF and AF only (aaa/aas). */
function setCarryAux(cpu: Cpu, on: boolean): void {
  const f = cpu.getFlags() & ~(CF | AF);
  cpu.setFlags(on ? f | CF | AF : f);
}

/** Handlers of this family. */
export const BCD_HANDLERS: HandlerTable = {
  daa(cpu) {
    const flags = cpu.getFlags();
    const oldAl = cpu.reg8(EAX), oldCf = (flags & CF) !== 0;
    let al = oldAl, cf = false, af = false;
    if ((al & 0x0f) > 9 || (flags & AF) !== 0) {
      cf = oldCf || al + 6 > 0xff;
      al = (al + 6) & 0xff;
      af = true;
    }
    if (oldAl > 0x99 || oldCf) {
      al = (al + 0x60) & 0xff;
      cf = true;
    } else {
      cf = false;
    }
    cpu.setReg8(EAX, al);
    setDecimalFlags(cpu, al, cf, af);
  },
  das(cpu) {
    const flags = cpu.getFlags();
    const oldAl = cpu.reg8(EAX), oldCf = (flags & CF) !== 0;
    let al = oldAl, cf = false, af = false;
    if ((al & 0x0f) > 9 || (flags & AF) !== 0) {
      cf = oldCf || al < 6;
      al = (al - 6) & 0xff;
      af = true;
    }
    if (oldAl > 0x99 || oldCf) {
      al = (al - 0x60) & 0xff;
      cf = true;
    }
    cpu.setReg8(EAX, al);
    setDecimalFlags(cpu, al, cf, af);
  },
  aaa(cpu) {
    const adjust = (cpu.reg8(EAX) & 0x0f) > 9 || (cpu.getFlags() & AF) !== 0;
    let ax = cpu.reg16(EAX);
    if (adjust) ax = (ax + 0x106) & 0xffff;
    cpu.setReg16(EAX, ax & 0xff0f);
    setCarryAux(cpu, adjust);
  },
  aas(cpu) {
    const adjust = (cpu.reg8(EAX) & 0x0f) > 9 || (cpu.getFlags() & AF) !== 0;
    let ax = cpu.reg16(EAX);
    if (adjust) ax = (ax - 6 - 0x100) & 0xffff;
    cpu.setReg16(EAX, ax & 0xff0f);
    setCarryAux(cpu, adjust);
  },
  aam(cpu, i) {
    const base = i.imm & 0xff;
    if (base === 0) raise(DE);
    const al = cpu.reg8(EAX);
    const r = al % base;
    cpu.setReg8(AH, Math.floor(al / base));
    cpu.setReg8(EAX, r);
    cpu.setLazy(LAZY_LOGIC, r, r, r, 8);
  },
  aad(cpu, i) {
    const base = i.imm & 0xff;
    const r = (cpu.reg8(EAX) + cpu.reg8(AH) * base) & 0xff;
    cpu.setReg16(EAX, r);
    cpu.setLazy(LAZY_LOGIC, r, r, r, 8);
  },
};
