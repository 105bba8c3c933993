/**
 * The National Semiconductor 16550A UART (datasheet PC16550D) at eight ports (COM1 0x3F8):
 * FIFOs, divisor latch, interrupt identification in priority order, loopback, and IRQ gated by
 * MCR.OUT2 as on a PC. Transmission is instant: every THR byte goes straight to `output`.
 *
 * A hostile guest can transmit without end (each byte goes to `output`, nothing is queued
 * here) and loop bytes back into the receiver, which drops them with an overrun once the
 * 16-byte FIFO (1 byte in 16450 mode) is full. Host input is held in a fixed
 * `RX_BUFFER_SIZE`-byte ring; `receive` accepts only what fits.
 */

import type { AccessSize, Clock, DeviceStats, IrqLine, PortDevice, TimedDevice } from "./device.ts";

/** Bytes of host input held (the chip's 16-byte FIFO plus the host-side backlog). */
export const RX_BUFFER_SIZE = 4096;
/** Depth of the 16550's FIFOs. */
const FIFO_DEPTH = 16;
/** UART input clock (1.8432 MHz) divided by 16, in Hz: the baud rate at divisor 1. */
const BAUD_BASE = 115200;
/** Bits per character frame assumed for timing (start + 8 data + stop). */
const BITS_PER_CHAR = 10;
/** Character times without RBR activity before a FIFO timeout interrupt. */
const TIMEOUT_CHARS = 4;

/** Register offsets. */
const RBR_THR_DLL = 0;
const IER_DLM = 1;
const IIR_FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const MSR = 6;
const SCR = 7;

/** IER bit 0: received data available interrupt. */
const IER_RDA = 0x01;
/** IER bit 1: THR empty interrupt. */
const IER_THRE = 0x02;
/** IER bit 2: receiver line status interrupt. */
const IER_RLS = 0x04;
/** IER bit 3: modem status interrupt. */
const IER_MS = 0x08;
/** IIR: no interrupt pending (bit 0 set). */
const IIR_NONE = 0x01;
/** IIR identifiers, highest priority first. */
const IIR_RLS = 0x06;
const IIR_RDA = 0x04;
const IIR_TIMEOUT = 0x0c;
const IIR_THRE = 0x02;
const IIR_MS = 0x00;
/** IIR bits 7–6: FIFOs enabled. */
const IIR_FIFO = 0xc0;
/** FCR bit 0: enable FIFOs. */
const FCR_ENABLE = 0x01;
/** FCR bit 1: clear the receive FIFO. */
const FCR_CLEAR_RX = 0x02;
/** Receive trigger levels for FCR bits 7–6. */
const RX_TRIGGER = [1, 4, 8, 14];
/** LCR bit 7: divisor latch access. */
const LCR_DLAB = 0x80;
/** MCR bits. */
const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;
/** LSR bits. */
const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_BI_FE_PE_OE = 0x1e;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
const LSR_FIFO_ERROR = 0x80;
/** MSR bits: deltas in 3–0 (DCTS, DDSR, TERI, DDCD), lines in 7–4. */
const MSR_TERI = 0x04;
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;
/** Modem lines the host side presents when not in loopback: carrier, data set ready, CTS. */
const MSR_HOST_LINES = MSR_DCD | MSR_DSR | MSR_CTS;

/** The plain, JSON-able state of the UART; the defaults are the power-on values. */
export interface Uart16550State {
  /** Interrupt enable register. */
  ier: number;
  /** Line control register. */
  lcr: number;
  /** Modem control register. */
  mcr: number;
  /** Line status error bits (OE, PE, FE, BI). */
  lsrErrors: number;
  /** Modem status delta bits. */
  msrDeltas: number;
  /** Scratch register. */
  scr: number;
  /** Divisor latch (16 bits). */
  divisor: number;
  /** FCR bit 0: FIFOs enabled. */
  fifoEnabled: boolean;
  /** FCR bits 7–6. */
  triggerSelect: number;
  /** A THR-empty interrupt is pending. */
  threPending: boolean;
  /** Received bytes, oldest first (at most `RX_BUFFER_SIZE`). */
  rx: number[];
  /** Time (ns) of the last receive FIFO activity, for the timeout interrupt. */
  lastRxActivity: number;
}

/** The power-on state (master reset, divisor 12 = 9600 baud). */
export function uart16550PowerOnState(): Uart16550State {
  return {
    ier: 0,
    lcr: 0,
    mcr: 0,
    lsrErrors: 0,
    msrDeltas: 0,
    scr: 0,
    divisor: 12,
    fifoEnabled: false,
    triggerSelect: 0,
    threPending: false,
    rx: [],
    lastRxActivity: 0,
  };
}

/** Effects the UART needs. */
export interface Uart16550Deps {
  /** The UART's interrupt line (IRQ4 for COM1). */
  irq: IrqLine;
  /** Receives every transmitted byte. */
  output: (bytes: Uint8Array) => void;
  /** Time source (ns) for the FIFO timeout interrupt. */
  clock: Clock;
}

/** A 16550A UART. */
export class Uart16550 implements PortDevice, TimedDevice {
  /** Counters of accesses the chip does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  #s = uart16550PowerOnState();
  #rx = new Uint8Array(RX_BUFFER_SIZE);
  #rxHead = 0;
  #rxCount = 0;
  #irqLevel = false;
  #deps: Uart16550Deps;

  /**
   * Builds the chip in its power-on state.
   * @param deps.irq interrupt line
   * @param deps.output receives transmitted bytes
   * @param deps.clock time source for the receive timeout
   */
  constructor(deps: Uart16550Deps) {
    this.#deps = deps;
  }

  /** Restores the chip from `saveState()` output (missing fields take power-on values). */
  static fromState(state: Partial<Uart16550State>, deps: Uart16550Deps): Uart16550 {
    const uart = new Uart16550(deps);
    uart.#s = { ...uart16550PowerOnState(), ...state, rx: [] };
    for (const b of (state.rx ?? []).slice(0, RX_BUFFER_SIZE)) uart.#push(b);
    uart.#update();
    return uart;
  }

  /** A JSON-able copy of the chip. */
  saveState(): Uart16550State {
    const rx: number[] = [];
    for (let i = 0; i < this.#rxCount; i++) rx.push(this.#rx[(this.#rxHead + i) % RX_BUFFER_SIZE]);
    return { ...this.#s, rx };
  }

  /**
   * Queues host input for the guest to read.
   * @returns how many of `bytes` were accepted (the rest did not fit)
   */
  receive(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, RX_BUFFER_SIZE - this.#rxCount);
    for (let i = 0; i < n; i++) this.#push(bytes[i]);
    if (n > 0) {
      this.#s.lastRxActivity = this.#deps.clock.now();
      this.#update();
    }
    return n;
  }

  /** Raises the FIFO timeout interrupt when it fell due. */
  poll(_now: number): void {
    this.#update();
  }

  /** When the FIFO timeout interrupt will fall due, or Infinity. */
  nextDeadline(): number {
    if (!this.#timeoutArmed()) return Infinity;
    const t = this.#timeoutAt();
    return t > this.#deps.clock.now() ? t : Infinity;
  }

  /** Reads a register. */
  read(offset: number, size: AccessSize): number {
    if (size !== 1 || offset > SCR) {
      this.stats.missedReads++;
      return 0xff;
    }
    const s = this.#s;
    const dlab = (s.lcr & LCR_DLAB) !== 0;
    let v: number;
    switch (offset) {
      case RBR_THR_DLL:
        if (dlab) return s.divisor & 0xff;
        v = this.#rxCount > 0 ? this.#pop() : 0;
        s.lastRxActivity = this.#deps.clock.now();
        break;
      case IER_DLM:
        return dlab ? s.divisor >> 8 : s.ier;
      case IIR_FCR: {
        const id = this.#interruptId();
        if (id === IIR_THRE) s.threPending = false; // reading IIR clears a THRE source
        v = id | (s.fifoEnabled ? IIR_FIFO : 0);
        break;
      }
      case LCR:
        return s.lcr;
      case MCR:
        return s.mcr;
      case LSR:
        v = this.#lsr();
        s.lsrErrors = 0;
        break;
      case MSR:
        v = this.#msrLines() | s.msrDeltas;
        s.msrDeltas = 0;
        break;
      default:
        return s.scr;
    }
    this.#update();
    return v;
  }

  /** Writes a register. */
  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 1 || offset > SCR) {
      this.stats.missedWrites++;
      return;
    }
    const s = this.#s;
    value &= 0xff;
    const dlab = (s.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case RBR_THR_DLL:
        if (dlab) s.divisor = (s.divisor & 0xff00) | value;
        else this.#transmit(value);
        break;
      case IER_DLM:
        if (dlab) s.divisor = (s.divisor & 0xff) | (value << 8);
        else {
          // Enabling ETBEI while THR is empty raises THRE at once (16550 behaviour).
          if (value & IER_THRE && !(s.ier & IER_THRE)) s.threPending = true;
          s.ier = value & 0x0f;
        }
        break;
      case IIR_FCR:
        this.#fcr(value);
        break;
      case LCR:
        s.lcr = value;
        break;
      case MCR:
        this.#mcr(value & 0x1f);
        break;
      case LSR:
      case MSR:
        break; // read-only on the 16550 (factory test only)
      default:
        s.scr = value;
    }
    this.#update();
  }

  #push(b: number): void {
    this.#rx[(this.#rxHead + this.#rxCount) % RX_BUFFER_SIZE] = b;
    this.#rxCount++;
  }

  #pop(): number {
    const b = this.#rx[this.#rxHead];
    this.#rxHead = (this.#rxHead + 1) % RX_BUFFER_SIZE;
    this.#rxCount--;
    return b;
  }

  /** Bytes in the chip's receive FIFO (the rest of the ring is host-side backlog). */
  #fifoCount(): number {
    return Math.min(this.#rxCount, this.#s.fifoEnabled ? FIFO_DEPTH : 1);
  }

  #transmit(value: number): void {
    const s = this.#s;
    if (s.mcr & MCR_LOOP) {
      if (this.#fifoCount() < (s.fifoEnabled ? FIFO_DEPTH : 1) && this.#rxCount < RX_BUFFER_SIZE) {
        this.#push(value);
        s.lastRxActivity = this.#deps.clock.now();
      } else {
        s.lsrErrors |= LSR_OE;
      }
    } else {
      this.#deps.output(Uint8Array.of(value));
    }
    // The write clears THRE; the byte leaves at once, so THR is empty again.
    s.threPending = (s.ier & IER_THRE) !== 0;
  }

  #fcr(value: number): void {
    const s = this.#s;
    const enable = (value & FCR_ENABLE) !== 0;
    if (enable !== s.fifoEnabled || value & FCR_CLEAR_RX) {
      const drop = enable !== s.fifoEnabled
        ? this.#fifoCount()
        : Math.min(this.#rxCount, FIFO_DEPTH);
      for (let i = 0; i < drop; i++) this.#pop();
    }
    s.fifoEnabled = enable;
    s.triggerSelect = enable ? value >> 6 : 0;
  }

  #mcr(value: number): void {
    const s = this.#s;
    const before = this.#msrLines();
    s.mcr = value;
    const after = this.#msrLines();
    const changed = (before ^ after) >> 4;
    // Delta bits: CTS, DSR and DCD on any change; RI on its trailing edge only.
    s.msrDeltas |= changed & 0x0b;
    if (before & MSR_RI && !(after & MSR_RI)) s.msrDeltas |= MSR_TERI;
  }

  #msrLines(): number {
    const mcr = this.#s.mcr;
    if (!(mcr & MCR_LOOP)) return MSR_HOST_LINES;
    // Loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
    return (mcr & MCR_RTS ? MSR_CTS : 0) | (mcr & MCR_DTR ? MSR_DSR : 0) |
      (mcr & MCR_OUT1 ? MSR_RI : 0) | (mcr & MCR_OUT2 ? MSR_DCD : 0);
  }

  #lsr(): number {
    const s = this.#s;
    return (this.#rxCount > 0 ? LSR_DR : 0) | s.lsrErrors | LSR_THRE | LSR_TEMT |
      (s.fifoEnabled && s.lsrErrors & LSR_BI_FE_PE_OE ? LSR_FIFO_ERROR : 0);
  }

  #charTimeNs(): number {
    const divisor = this.#s.divisor === 0 ? 0x10000 : this.#s.divisor;
    return (BITS_PER_CHAR * divisor * 1e9) / BAUD_BASE;
  }

  #timeoutArmed(): boolean {
    const s = this.#s;
    return s.fifoEnabled && (s.ier & IER_RDA) !== 0 && this.#rxCount > 0 &&
      this.#fifoCount() < RX_TRIGGER[s.triggerSelect];
  }

  #timeoutAt(): number {
    return this.#s.lastRxActivity + Math.ceil(TIMEOUT_CHARS * this.#charTimeNs());
  }

  /** The highest-priority pending, enabled interrupt (IIR bits 3–0). */
  #interruptId(): number {
    const s = this.#s;
    if (s.ier & IER_RLS && s.lsrErrors & LSR_BI_FE_PE_OE) return IIR_RLS;
    if (s.ier & IER_RDA && this.#rxCount > 0) {
      const trigger = s.fifoEnabled ? RX_TRIGGER[s.triggerSelect] : 1;
      if (this.#fifoCount() >= trigger) return IIR_RDA;
      if (this.#deps.clock.now() >= this.#timeoutAt()) return IIR_TIMEOUT;
    }
    if (s.ier & IER_THRE && s.threPending) return IIR_THRE;
    if (s.ier & IER_MS && s.msrDeltas) return IIR_MS;
    return IIR_NONE;
  }

  /** Drives the IRQ: asserted while an enabled condition is pending and OUT2 is set. */
  #update(): void {
    const level = this.#interruptId() !== IIR_NONE && (this.#s.mcr & MCR_OUT2) !== 0;
    if (level !== this.#irqLevel) {
      this.#irqLevel = level;
      this.#deps.irq.set(level);
    }
  }
}
