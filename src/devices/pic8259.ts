/**
 * One Intel 8259A programmable interrupt controller (datasheet 231468): ICW1–ICW4, OCW1–OCW3,
 * priority rotation, auto-EOI, special mask and special fully nested modes, edge and level inputs.
 *
 * A hostile guest can reprogram it at will (any sequence of bytes in any order); all state is a
 * handful of 8-bit registers, so nothing grows. An initialisation sequence interrupted by OCWs
 * simply continues from whatever step it reached, as on the chip.
 */

import type { AccessSize, DeviceStats, IrqLine, PortDevice } from "./device.ts";

/** ICW1: written to offset 0 with bit 4 set. */
const ICW1_MARK = 0x10;
/** ICW1 bit 0: ICW4 will follow. */
const ICW1_IC4 = 0x01;
/** ICW1 bit 1: single chip, no ICW3. */
const ICW1_SNGL = 0x02;
/** ICW1 bit 3: all inputs level triggered. */
const ICW1_LTIM = 0x08;
/** ICW4 bit 1: automatic end of interrupt. */
const ICW4_AEOI = 0x02;
/** ICW4 bit 4: special fully nested mode. */
const ICW4_SFNM = 0x10;
/** OCW3 marker: bit 3 set, bit 4 clear (offset 0). */
const OCW3_MARK = 0x08;
/** OCW3 bit 2: poll command. */
const OCW3_POLL = 0x04;
/** OCW3 bit 1: read register command; bit 0 selects ISR (1) or IRR (0). */
const OCW3_RR = 0x02;
/** OCW3 bit 6: enable special-mask change; bit 5 sets (1) or clears (0) special mask mode. */
const OCW3_ESMM = 0x40;
/** Poll word bit 7: an interrupt was pending; bits 2–0 hold its level. */
const POLL_PENDING = 0x80;

/** Where the initialisation sequence is: 0 = operational, else the next ICW expected. */
export type InitStep = 0 | 2 | 3 | 4;

/** The plain, JSON-able state of one 8259A; the defaults are the power-on values. */
export interface Pic8259State {
  /** Interrupt request register. */
  irr: number;
  /** In-service register. */
  isr: number;
  /** Interrupt mask register (OCW1). */
  imr: number;
  /** Current level of the eight input lines. */
  lines: number;
  /** Per-line level-trigger mask (the chipset's ELCR); ICW1.LTIM makes every line level. */
  elcr: number;
  /** ICW1.LTIM. */
  ltim: boolean;
  /** ICW2 vector base (bits 7–3). */
  vectorBase: number;
  /** ICW3 as written. */
  icw3: number;
  /** Next ICW expected, or 0 when operational. */
  initStep: InitStep;
  /** ICW1.IC4: an ICW4 is expected. */
  expectIcw4: boolean;
  /** ICW1.SNGL. */
  single: boolean;
  /** ICW4.AEOI. */
  autoEoi: boolean;
  /** Rotate priority on automatic EOI (OCW2 R=1 SL=0 EOI=0). */
  rotateOnAutoEoi: boolean;
  /** ICW4.SFNM. */
  specialFullyNested: boolean;
  /** The line with lowest priority (7 after initialisation). */
  lowestPriority: number;
  /** OCW3 RIS: offset-0 reads return ISR instead of IRR. */
  readIsr: boolean;
  /** OCW3 poll command pending for the next offset-0 read. */
  poll: boolean;
  /** OCW3 special mask mode. */
  specialMask: boolean;
}

/** The power-on state of one chip. */
export function pic8259PowerOnState(): Pic8259State {
  return {
    irr: 0,
    isr: 0,
    imr: 0,
    lines: 0,
    elcr: 0,
    ltim: false,
    vectorBase: 0,
    icw3: 0,
    initStep: 0,
    expectIcw4: false,
    single: false,
    autoEoi: false,
    rotateOnAutoEoi: false,
    specialFullyNested: false,
    lowestPriority: 7,
    readIsr: false,
    poll: false,
    specialMask: false,
  };
}

/** Effects and wiring for one chip. */
export interface Pic8259Deps {
  /** Called after anything that may change the INT output. */
  onChange?: () => void;
  /** Inputs whose edge request is held until INTA even if the line falls. */
  latchedLines?: number;
}

/**
 * One 8259A as seen through its two ports (offset 0: A0=0, offset 1: A0=1). `onChange` is
 * called whenever the INT output may have changed, so a cascade can follow it.
 */
export class Pic8259 implements PortDevice {
  /** Counters of accesses the chip does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  #s: Pic8259State;
  #onChange: () => void;
  #latched: number;

  /**
   * Builds a chip in its power-on state.
   * @param deps.onChange called after anything that may change the INT output
   * @param deps.latchedLines inputs whose edge request is kept until INTA even if the line
   *   falls (a cascade input); other inputs withdraw their request when they fall
   */
  constructor(deps: Pic8259Deps = {}) {
    this.#s = pic8259PowerOnState();
    this.#onChange = deps.onChange ?? (() => {});
    this.#latched = deps.latchedLines ?? 0;
  }

  /** Restores a chip from `saveState()` output (missing fields take power-on values). */
  static fromState(state: Partial<Pic8259State>, deps: Pic8259Deps = {}): Pic8259 {
    const pic = new Pic8259(deps);
    pic.#s = { ...pic8259PowerOnState(), ...state };
    return pic;
  }

  /** A JSON-able copy of the chip's registers. */
  saveState(): Pic8259State {
    return { ...this.#s };
  }

  /** The vector base programmed by ICW2. */
  get vectorBase(): number {
    return this.#s.vectorBase;
  }

  /** ICW1.SNGL: no cascade. */
  get single(): boolean {
    return this.#s.single;
  }

  /** Current levels of the eight input lines. */
  get lines(): number {
    return this.#s.lines;
  }

  /** Interrupt request register. */
  get irr(): number {
    return this.#s.irr;
  }

  /** In-service register. */
  get isr(): number {
    return this.#s.isr;
  }

  /** Interrupt mask register. */
  get imr(): number {
    return this.#s.imr;
  }

  /** Level-trigger mask (ELCR). */
  get elcr(): number {
    return this.#s.elcr;
  }

  /** Sets the level-trigger mask; level lines then request for as long as they are high. */
  set elcr(mask: number) {
    const s = this.#s;
    s.elcr = mask & 0xff;
    const level = this.#levelMask();
    s.irr = (s.irr & ~level) | (s.lines & level);
    this.#onChange();
  }

  /** Drives input line `n` (0–7) to `level`. */
  setLine(n: number, level: boolean): void {
    const s = this.#s;
    const bit = 1 << (n & 7);
    const was = (s.lines & bit) !== 0;
    if (level) {
      s.lines |= bit;
      // Edge inputs latch on a rising edge; level inputs request while high.
      if (!was || (this.#levelMask() & bit) !== 0) s.irr |= bit;
    } else {
      s.lines &= ~bit;
      // 8259A datasheet: the request must stay high until INTA, or it is withdrawn.
      if ((this.#latched & bit) === 0 || (this.#levelMask() & bit) !== 0) s.irr &= ~bit;
    }
    this.#onChange();
  }

  /** An `IrqLine` driving input `n`. */
  line(n: number): IrqLine {
    return { set: (level: boolean) => this.setLine(n, level) };
  }

  /** The INT output: an unmasked request outranks everything in service. */
  intOutput(): boolean {
    return this.#bestRequest() >= 0;
  }

  /**
   * The first INTA pulse: returns the level being acknowledged (ISR set unless auto-EOI, edge
   * IRR bit cleared), or -1 when the request has gone away (the caller then uses level 7
   * without touching ISR: the spurious interrupt).
   */
  acknowledgeLevel(): number {
    const s = this.#s;
    const irq = this.#bestRequest();
    if (irq < 0) return -1;
    const bit = 1 << irq;
    if ((this.#levelMask() & bit) === 0) s.irr &= ~bit;
    if (s.autoEoi) {
      if (s.rotateOnAutoEoi) s.lowestPriority = irq;
    } else {
      s.isr |= bit;
    }
    this.#onChange();
    return irq;
  }

  /** Reads offset 0 (IRR, ISR or poll word) or 1 (IMR). */
  read(offset: number, size: AccessSize): number {
    if (size !== 1 || offset > 1) {
      this.stats.missedReads++;
      return 0xff;
    }
    const s = this.#s;
    if (offset === 1) return s.imr;
    if (s.poll) {
      s.poll = false;
      const irq = this.acknowledgeLevel();
      return irq < 0 ? 0 : POLL_PENDING | irq;
    }
    return s.readIsr ? s.isr : s.irr;
  }

  /** Writes ICWs and OCWs. */
  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 1 || offset > 1) {
      this.stats.missedWrites++;
      return;
    }
    const s = this.#s;
    value &= 0xff;
    if (offset === 0) {
      if (value & ICW1_MARK) this.#icw1(value);
      else if (value & OCW3_MARK) this.#ocw3(value);
      else this.#ocw2(value);
    } else if (s.initStep === 2) {
      s.vectorBase = value & 0xf8;
      s.initStep = s.single ? (s.expectIcw4 ? 4 : 0) : 3;
    } else if (s.initStep === 3) {
      s.icw3 = value;
      s.initStep = s.expectIcw4 ? 4 : 0;
    } else if (s.initStep === 4) {
      s.autoEoi = (value & ICW4_AEOI) !== 0;
      s.specialFullyNested = (value & ICW4_SFNM) !== 0;
      s.initStep = 0;
    } else {
      s.imr = value;
    }
    this.#onChange();
  }

  #icw1(value: number): void {
    const s = this.#s;
    s.ltim = (value & ICW1_LTIM) !== 0;
    s.single = (value & ICW1_SNGL) !== 0;
    s.expectIcw4 = (value & ICW1_IC4) !== 0;
    s.initStep = 2;
    // Datasheet: edge sense reset, IMR and ISR cleared, IR7 lowest, SMM off, read IRR.
    s.imr = 0;
    s.isr = 0;
    s.irr = s.lines & this.#levelMask();
    s.lowestPriority = 7;
    s.specialMask = false;
    s.readIsr = false;
    s.poll = false;
    s.rotateOnAutoEoi = false;
    if (!s.expectIcw4) {
      s.autoEoi = false;
      s.specialFullyNested = false;
    }
  }

  #ocw2(value: number): void {
    const s = this.#s;
    const level = value & 7;
    switch (value >> 5) {
      case 0b000: // clear rotate in auto-EOI mode
        s.rotateOnAutoEoi = false;
        break;
      case 0b100: // set rotate in auto-EOI mode
        s.rotateOnAutoEoi = true;
        break;
      case 0b001: // non-specific EOI
      case 0b101: { // rotate on non-specific EOI
        const irq = this.#highestInService();
        if (irq >= 0) {
          s.isr &= ~(1 << irq);
          if (value & 0x80) s.lowestPriority = irq;
        }
        break;
      }
      case 0b011: // specific EOI
        s.isr &= ~(1 << level);
        break;
      case 0b111: // rotate on specific EOI
        s.isr &= ~(1 << level);
        s.lowestPriority = level;
        break;
      case 0b110: // set priority command
        s.lowestPriority = level;
        break;
      default: // 0b010: no operation
        break;
    }
  }

  #ocw3(value: number): void {
    const s = this.#s;
    if (value & OCW3_ESMM) s.specialMask = (value & 0x20) !== 0;
    s.poll = (value & OCW3_POLL) !== 0;
    if (value & OCW3_RR) s.readIsr = (value & 1) !== 0;
  }

  #levelMask(): number {
    return this.#s.ltim ? 0xff : this.#s.elcr;
  }

  /** Highest-priority set bit of `mask`, or -1; priority starts after `lowestPriority`. */
  #highest(mask: number): number {
    if (mask === 0) return -1;
    for (let i = 1; i <= 8; i++) {
      const irq = (this.#s.lowestPriority + i) & 7;
      if (mask & (1 << irq)) return irq;
    }
    return -1;
  }

  #highestInService(): number {
    return this.#highest(this.#s.isr);
  }

  /** The level the chip would deliver now, or -1. */
  #bestRequest(): number {
    const s = this.#s;
    const irq = this.#highest(s.irr & ~s.imr);
    if (irq < 0) return -1;
    let inService = s.isr;
    // Special mask mode: masked levels in service do not inhibit lower priorities.
    if (s.specialMask) inService &= ~s.imr;
    // Special fully nested (master): a slave in service may still interrupt with a higher level.
    if (s.specialFullyNested) inService &= ~s.icw3;
    const busy = this.#highest(inService);
    if (busy < 0) return irq;
    // Request wins only if strictly higher priority than the highest level in service.
    const rank = (n: number) => (n - s.lowestPriority - 1) & 7;
    return rank(irq) < rank(busy) ? irq : -1;
  }
}
