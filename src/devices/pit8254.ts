/**
 * The Intel 8254 programmable interval timer (datasheet 231164) at 0x40–0x43: three 16-bit
 * down-counters clocked at 1.193182 MHz, computed lazily from `clock.now()` rather than ticked.
 *
 * A hostile guest can only write counts, control words and gate levels; each channel's state is
 * a fixed set of numbers. A count of 1 in mode 2 or 3 would ask for ~1.2 M interrupts a second:
 * `poll` raises at most one IRQ0 edge per call however many periods fell due, so the cost is
 * bounded by how often the run loop polls, never by the programmed rate.
 */

import type { AccessSize, Clock, DeviceStats, IrqLine, PortDevice, TimedDevice } from "./device.ts";

/** Input clock of every counter, in Hz. */
export const PIT_HZ = 1_193_182;
/** Nanoseconds in a second. */
const NS_PER_S = 1e9;
/** Offset of the control word register. */
const CONTROL = 3;
/** Control word bits 7–6 = 11: read-back command. */
const READ_BACK = 3;
/** Read-back bit 5 clear: latch the counts. */
const RB_NO_COUNT = 0x20;
/** Read-back bit 4 clear: latch the status bytes. */
const RB_NO_STATUS = 0x10;
/** Status byte bit 7: OUT pin level. */
const STATUS_OUT = 0x80;
/** Status byte bit 6: null count (a written count not yet loaded into the counter). */
const STATUS_NULL = 0x40;

/** Access modes (control word bits 5–4). */
const ACCESS_LATCH = 0;
/** Low byte only. */
const ACCESS_LO = 1;
/** High byte only. */
const ACCESS_HI = 2;
/** Low byte then high byte. */
const ACCESS_LOHI = 3;

/** The plain, JSON-able state of one counter; the defaults are the power-on values. */
export interface PitChannelState {
  /** Counter mode 0–5. */
  mode: number;
  /** Access mode: 1 lobyte, 2 hibyte, 3 lobyte/hibyte. */
  access: number;
  /** BCD counting. */
  bcd: boolean;
  /** The count register as written (0 means the maximum). */
  reload: number;
  /** A count has been loaded since the last control word. */
  loaded: boolean;
  /** Counter is running (gate enabled and, in modes 1 and 5, triggered). */
  running: boolean;
  /** Time (ns) at which counting last (re)started. */
  runStart: number;
  /** Ticks counted before `runStart` since the count was loaded. */
  tickOffset: number;
  /** Gate input level. */
  gate: boolean;
  /** Next write of a lobyte/hibyte pair goes to the high byte. */
  writeHigh: boolean;
  /** Low byte written in the first half of a lobyte/hibyte pair. */
  writeLow: number;
  /** Next unlatched read of a lobyte/hibyte pair returns the high byte. */
  readHigh: boolean;
  /** Latched count, or -1. */
  latch: number;
  /** The latched count's high byte is next. */
  latchHigh: boolean;
  /** Latched status byte, or -1. */
  status: number;
  /** Rising edges of OUT already reported through the IRQ line (channel 0). */
  edges: number;
}

/** The plain, JSON-able state of the whole chip. */
export interface Pit8254State {
  /** Channels 0, 1 and 2. */
  channels: PitChannelState[];
}

/** The power-on state of one counter. */
function channelPowerOn(gate: boolean): PitChannelState {
  return {
    mode: 0,
    access: ACCESS_LOHI,
    bcd: false,
    reload: 0,
    loaded: false,
    running: false,
    runStart: 0,
    tickOffset: 0,
    gate,
    writeHigh: false,
    writeLow: 0,
    readHigh: false,
    latch: -1,
    latchHigh: false,
    status: -1,
    edges: 0,
  };
}

/** The power-on state of the chip (channel 0 and 1 gates tied high, channel 2 gate low). */
export function pit8254PowerOnState(): Pit8254State {
  return { channels: [channelPowerOn(true), channelPowerOn(true), channelPowerOn(false)] };
}

/** Whole input-clock ticks between two times. */
function ticksBetween(from: number, to: number): number {
  return to <= from ? 0 : Math.floor(((to - from) * PIT_HZ) / NS_PER_S);
}

function toBcd(n: number): number {
  return (n % 10) | (Math.floor(n / 10) % 10) << 4 | (Math.floor(n / 100) % 10) << 8 |
    (Math.floor(n / 1000) % 10) << 12;
}

function fromBcd(v: number): number {
  return (v & 0xf) % 10 + ((v >> 4) & 0xf) % 10 * 10 + ((v >> 8) & 0xf) % 10 * 100 +
    ((v >> 12) & 0xf) % 10 * 1000;
}

/**
 * The three-channel 8254. Channel 0's OUT drives `irq` (IRQ0); channel 2's gate and OUT are
 * reached through `setGate(2, …)` and `output(2)` for port 0x61.
 *
 * Simplifications: a new count in modes 2 and 3 takes effect at once rather than at the end of
 * the current period, and mode 3 with an odd count splits the period as (N+1)/2 high and
 * (N-1)/2 low without modelling the reads' odd/even sequence. IRQ0 is raised as a rising edge
 * that stays high until the next edge, so a guest with interrupts disabled loses no tick.
 */
export class Pit8254 implements PortDevice, TimedDevice {
  /** Counters of accesses the chip does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  #ch: PitChannelState[];
  #irq: IrqLine;
  #clock: Clock;

  /**
   * Builds the chip in its power-on state.
   * @param deps.irq IRQ0, driven by channel 0's OUT
   * @param deps.clock the VM's time source (ns)
   */
  constructor(deps: { irq: IrqLine; clock: Clock }) {
    this.#irq = deps.irq;
    this.#clock = deps.clock;
    this.#ch = pit8254PowerOnState().channels;
  }

  /** Restores a chip from `saveState()` output (missing fields take power-on values). */
  static fromState(state: Partial<Pit8254State>, deps: { irq: IrqLine; clock: Clock }): Pit8254 {
    const pit = new Pit8254(deps);
    const on = pit8254PowerOnState().channels;
    pit.#ch = on.map((c, i) => ({ ...c, ...(state.channels?.[i] ?? {}) }));
    return pit;
  }

  /** A JSON-able copy of the three counters. */
  saveState(): Pit8254State {
    return { channels: this.#ch.map((c) => ({ ...c })) };
  }

  /** Reads a counter (offsets 0–2); the control register (3) reads as 0xFF. */
  read(offset: number, size: AccessSize): number {
    if (size !== 1 || offset >= CONTROL) {
      this.stats.missedReads++;
      return 0xff;
    }
    const c = this.#ch[offset];
    if (c.status >= 0) {
      const v = c.status;
      c.status = -1;
      return v;
    }
    if (c.latch >= 0) {
      const v = this.#byteOf(c, c.latch, c.access === ACCESS_LOHI ? c.latchHigh : c.access === 2);
      if (c.access === ACCESS_LOHI && !c.latchHigh) c.latchHigh = true;
      else c.latch = -1;
      return v;
    }
    const count = this.#count(c, this.#clock.now());
    if (c.access !== ACCESS_LOHI) return this.#byteOf(c, count, c.access === ACCESS_HI);
    const v = this.#byteOf(c, count, c.readHigh);
    c.readHigh = !c.readHigh;
    return v;
  }

  /** Writes a count (offsets 0–2) or a control word (offset 3). */
  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 1 || offset > CONTROL) {
      this.stats.missedWrites++;
      return;
    }
    value &= 0xff;
    const now = this.#clock.now();
    if (offset === CONTROL) this.#control(value, now);
    else this.#writeCount(offset, value, now);
  }

  /** Drives the gate input of channel `n` (only channel 2's is wired on a PC). */
  setGate(n: number, level: boolean): void {
    const c = this.#ch[n];
    if (c === undefined || c.gate === level) return;
    const now = this.#clock.now();
    c.gate = level;
    if (!c.loaded) return;
    switch (c.mode) {
      case 0:
      case 4: // gate low suspends counting, gate high resumes it
        if (level) this.#start(c, now, c.tickOffset);
        else {
          c.tickOffset = this.#ticks(c, now);
          c.running = false;
        }
        break;
      case 2:
      case 3: // gate low forces OUT high and stops; a rising gate reloads
        if (level) this.#start(c, now, 0);
        else c.running = false;
        c.edges = 0;
        break;
      default: // 1, 5: a rising gate (re)triggers
        if (level) {
          this.#start(c, now, 0);
          c.edges = 0;
        }
    }
    if (n === 0) this.#irq.set(this.output(0));
  }

  /** The gate level of channel `n`. */
  gate(n: number): boolean {
    return this.#ch[n]?.gate ?? false;
  }

  /** The OUT pin of channel `n` now. */
  output(n: number): boolean {
    return this.#out(this.#ch[n], this.#clock.now());
  }

  /** Raises an IRQ0 edge if channel 0's OUT rose since the last poll. */
  poll(now: number): void {
    const c = this.#ch[0];
    if (!c.loaded) return;
    const edges = this.#edges(c, this.#ticks(c, now));
    if (edges > c.edges) {
      c.edges = edges;
      this.#irq.set(false);
      this.#irq.set(true);
    }
  }

  /** The time of channel 0's next rising OUT edge, or Infinity. */
  nextDeadline(): number {
    const c = this.#ch[0];
    if (!c.loaded || !c.running) return Infinity;
    const n = this.#period(c);
    let tick: number;
    if (c.mode === 2 || c.mode === 3) tick = (c.edges + 1) * n;
    else if (c.edges > 0) return Infinity;
    else tick = c.mode === 4 || c.mode === 5 ? n + 1 : n;
    let t = c.runStart + Math.ceil(((tick - c.tickOffset) * NS_PER_S) / PIT_HZ);
    while (this.#ticks(c, t) < tick) t++;
    return t;
  }

  #byteOf(c: PitChannelState, count: number, high: boolean): number {
    const v = c.bcd ? toBcd(count % 10000) : count & 0xffff;
    return high ? v >> 8 : v & 0xff;
  }

  #control(value: number, now: number): void {
    const sel = value >> 6;
    if (sel === READ_BACK) {
      for (let n = 0; n < 3; n++) {
        if ((value & (2 << n)) === 0) continue;
        const c = this.#ch[n];
        if ((value & RB_NO_COUNT) === 0) this.#latchCount(c, now);
        if ((value & RB_NO_STATUS) === 0 && c.status < 0) {
          c.status = (this.#out(c, now) ? STATUS_OUT : 0) |
            (this.#nullCount(c, now) ? STATUS_NULL : 0) |
            (c.access << 4) | (c.mode << 1) | (c.bcd ? 1 : 0);
        }
      }
      return;
    }
    const c = this.#ch[sel];
    const access = (value >> 4) & 3;
    if (access === ACCESS_LATCH) {
      this.#latchCount(c, now);
      return;
    }
    const mode = (value >> 1) & 7;
    Object.assign(c, {
      mode: mode > 5 ? mode - 4 : mode, // 6 and 7 alias modes 2 and 3
      access,
      bcd: (value & 1) !== 0,
      loaded: false,
      running: false,
      tickOffset: 0,
      writeHigh: false,
      readHigh: false,
      latch: -1,
      status: -1,
      edges: 0,
    });
    if (sel === 0) this.#irq.set(this.#out(c, now));
  }

  #latchCount(c: PitChannelState, now: number): void {
    if (c.latch >= 0) return; // a second latch before reading is ignored
    c.latch = this.#count(c, now);
    c.latchHigh = false;
  }

  #writeCount(n: number, value: number, now: number): void {
    const c = this.#ch[n];
    let count: number;
    if (c.access === ACCESS_LO) count = value;
    else if (c.access === ACCESS_HI) count = value << 8;
    else if (!c.writeHigh) {
      c.writeLow = value;
      c.writeHigh = true;
      if (c.mode === 0 && c.loaded) { // mode 0: writing the first byte stops the count
        c.tickOffset = this.#ticks(c, now);
        c.running = false;
        c.loaded = false;
        if (n === 0) this.#irq.set(false);
      }
      return;
    } else {
      count = c.writeLow | (value << 8);
      c.writeHigh = false;
    }
    c.reload = count;
    c.loaded = true;
    c.edges = 0;
    c.tickOffset = 0;
    c.running = false;
    c.runStart = now;
    if (c.gate && c.mode !== 1 && c.mode !== 5) this.#start(c, now, 0);
    if (n === 0) this.#irq.set(this.#out(c, now));
  }

  #start(c: PitChannelState, now: number, tickOffset: number): void {
    c.running = true;
    c.runStart = now;
    c.tickOffset = tickOffset;
  }

  /** The count's period in ticks (0 means 65536, or 10000 in BCD). */
  #period(c: PitChannelState): number {
    const n = c.bcd ? fromBcd(c.reload) : c.reload;
    return n === 0 ? (c.bcd ? 10000 : 0x10000) : n;
  }

  /** Ticks counted since the count was loaded. */
  #ticks(c: PitChannelState, now: number): number {
    return c.running ? c.tickOffset + ticksBetween(c.runStart, now) : c.tickOffset;
  }

  #nullCount(c: PitChannelState, now: number): boolean {
    if (!c.loaded || c.tickOffset !== 0) return false;
    // Modes 1 and 5 load the count on the gate trigger; the others on the next input clock.
    if (c.mode === 1 || c.mode === 5) return !c.running;
    return ticksBetween(c.runStart, now) === 0;
  }

  /** The value the counting element holds now. */
  #count(c: PitChannelState, now: number): number {
    if (!c.loaded) return c.reload;
    const n = this.#period(c);
    const t = this.#ticks(c, now);
    const wrap = c.bcd ? 10000 : 0x10000;
    switch (c.mode) {
      case 2:
        return n - (t % n);
      case 3: {
        const high = Math.ceil(n / 2);
        const p = t % n;
        const inHalf = p < high ? p : p - high;
        return (n & ~1) - 2 * inHalf;
      }
      default: // 0, 1, 4, 5: count down through 0 and wrap
        return (((n - t) % wrap) + wrap) % wrap;
    }
  }

  /** Rising edges of OUT after `t` ticks since the count was loaded. */
  #edges(c: PitChannelState, t: number): number {
    const n = this.#period(c);
    switch (c.mode) {
      case 2:
      case 3:
        return Math.floor(t / n);
      case 0:
      case 1:
        return t >= n ? 1 : 0;
      default: // 4, 5: a one-tick low strobe at terminal count, rising again one tick later
        return t >= n + 1 ? 1 : 0;
    }
  }

  /** The OUT pin level. */
  #out(c: PitChannelState, now: number): boolean {
    if (c.mode === 0) return c.loaded && this.#ticks(c, now) >= this.#period(c);
    if (!c.loaded || !c.running) return true;
    const n = this.#period(c);
    const t = this.#ticks(c, now);
    switch (c.mode) {
      case 1:
        return t >= n;
      case 2:
        return t % n !== n - 1;
      case 3:
        return t % n < Math.ceil(n / 2);
      default: // 4, 5
        return t !== n;
    }
  }
}
