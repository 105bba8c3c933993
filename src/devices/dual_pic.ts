/**
 * The PC's pair of cascaded 8259As (master 0x20–0x21, slave 0xA0–0xA1 on master IRQ2) plus the
 * chipset's edge/level control registers (ELCR, 0x4D0–0x4D1).
 *
 * A hostile guest can only program the three small devices here; every register is 8 bits and
 * the state is fixed-size. Reserved ELCR bits (IRQ 0, 1, 2, 8, 13) always read as edge.
 */

import type { AccessSize, DeviceStats, IrqLine, PortDevice } from "./device.ts";
import { Pic8259, type Pic8259State } from "./pic8259.ts";

/** Master input the slave's INT output is wired to. */
export const CASCADE_IRQ = 2;
/** Level delivered (with the chip's vector base) when a request vanished before INTA. */
const SPURIOUS_LEVEL = 7;
/** ELCR bits that must stay 0 on the master: IRQ 0 (timer), 1 (keyboard), 2 (cascade). */
const ELCR_MASTER_WRITABLE = 0xf8;
/** ELCR bits that must stay 0 on the slave: IRQ 8 (RTC) and IRQ 13 (FPU). */
const ELCR_SLAVE_WRITABLE = 0xde;

/** The plain, JSON-able state of both chips; the defaults are the power-on values. */
export interface DualPicState {
  /** The master chip. */
  master: Partial<Pic8259State>;
  /** The slave chip. */
  slave: Partial<Pic8259State>;
}

/** The two ELCR bytes as one port device (offset 0: master, 1: slave). */
class Elcr implements PortDevice {
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  constructor(private pics: DualPic) {}
  read(offset: number, size: AccessSize): number {
    if (size === 1 && offset < 2) return (offset === 0 ? this.pics.master : this.pics.slave).elcr;
    if (size === 2 && offset === 0) return this.pics.master.elcr | (this.pics.slave.elcr << 8);
    this.stats.missedReads++;
    return 0xff;
  }
  write(offset: number, size: AccessSize, value: number): void {
    if (size === 2 && offset === 0) {
      this.write(0, 1, value & 0xff);
      this.write(1, 1, value >> 8);
    } else if (size === 1 && offset === 0) {
      this.pics.master.elcr = value & ELCR_MASTER_WRITABLE;
    } else if (size === 1 && offset === 1) {
      this.pics.slave.elcr = value & ELCR_SLAVE_WRITABLE;
    } else {
      this.stats.missedWrites++;
    }
  }
}

/**
 * Two cascaded 8259As: IRQ 0–7 on the master, 8–15 on the slave whose INT drives master IRQ2.
 * The CPU side is `pending()` (would an interrupt be taken) and `acknowledge()` (the INTA
 * cycle, returning the vector).
 */
export class DualPic {
  /** Master chip (IRQ 0–7). */
  readonly master: Pic8259;
  /** Slave chip (IRQ 8–15). */
  readonly slave: Pic8259;
  /** Edge/level control registers at 0x4D0–0x4D1. */
  readonly elcr: PortDevice & { stats: DeviceStats };
  #lines: IrqLine[];

  /**
   * Builds both chips, in their power-on state unless `state` (from `saveState()`) is given.
   * @param state optional saved state to start from
   */
  constructor(state: Partial<DualPicState> = {}) {
    // The slave's INT is held by the master until INTA even if it drops, so a vanished slave
    // request shows up as the slave's spurious IRQ15 (with master ISR bit 2 set), as on a PC.
    this.master = Pic8259.fromState(state.master ?? {}, { latchedLines: 1 << CASCADE_IRQ });
    this.slave = Pic8259.fromState(state.slave ?? {}, { onChange: () => this.#cascade() });
    this.elcr = new Elcr(this);
    this.#lines = Array.from({ length: 16 }, (_, n) => ({
      set: (level: boolean) => (n < 8 ? this.master : this.slave).setLine(n & 7, level),
    }));
  }

  /** Restores both chips from `saveState()` output. */
  static fromState(state: Partial<DualPicState>): DualPic {
    return new DualPic(state);
  }

  /** A JSON-able copy of both chips. */
  saveState(): DualPicState {
    return { master: this.master.saveState(), slave: this.slave.saveState() };
  }

  /**
   * The interrupt line for IRQ `n`.
   * @param n 0–15
   * @throws {RangeError} when n is outside 0–15
   */
  irqLine(n: number): IrqLine {
    if (!Number.isInteger(n) || n < 0 || n > 15) {
      throw new RangeError(`Cannot get IRQ line ${n}: must be 0 to 15`);
    }
    return this.#lines[n];
  }

  /** True when an unmasked request would interrupt the CPU (the master's INT output). */
  pending(): boolean {
    return this.master.intOutput();
  }

  /**
   * The INTA cycle: picks the highest-priority request, updates ISR/IRR and returns its vector.
   * If the request went away, returns the spurious vector (base + 7) and sets no ISR bit.
   */
  acknowledge(): number {
    const irq = this.master.acknowledgeLevel();
    if (irq < 0) return (this.master.vectorBase + SPURIOUS_LEVEL) & 0xff;
    if (irq !== CASCADE_IRQ || this.master.single) {
      return (this.master.vectorBase + irq) & 0xff;
    }
    const slaveIrq = this.slave.acknowledgeLevel();
    // The slave's INT drops during INTA; a further slave request is then a fresh edge.
    this.master.setLine(CASCADE_IRQ, false);
    this.#cascade();
    if (slaveIrq < 0) return (this.slave.vectorBase + SPURIOUS_LEVEL) & 0xff;
    return (this.slave.vectorBase + slaveIrq) & 0xff;
  }

  /** The three port devices and where the VM should insert them on the bus. */
  ports(): Array<{ dev: PortDevice; base: number; len: number }> {
    return [
      { dev: this.master, base: 0x20, len: 2 },
      { dev: this.slave, base: 0xa0, len: 2 },
      { dev: this.elcr, base: 0x4d0, len: 2 },
    ];
  }

  #cascade(): void {
    const level = this.slave.intOutput();
    if (level !== (((this.master.lines >> CASCADE_IRQ) & 1) === 1)) {
      this.master.setLine(CASCADE_IRQ, level);
    }
  }
}
