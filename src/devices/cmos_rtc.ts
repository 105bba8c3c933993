/**
 * The Motorola MC146818 real-time clock and its CMOS RAM at 0x70–0x71: time of day from an
 * injected start time plus `clock.now()`, status registers A–D, periodic, alarm and
 * update-ended interrupts on IRQ8, and the BIOS memory-size bytes.
 *
 * A hostile guest can write any byte to any of the 128 RAM cells and any time of day; the RAM is
 * a fixed 128 bytes and the time is one offset. A fastest periodic rate (8 kHz) raises at most
 * one interrupt per `poll`, and IRQF stays set until status C is read, so the interrupt rate is
 * bounded by the guest's own reads. Catching up alarms after a long gap checks at most one day
 * of seconds (every possible alarm time).
 */

import type { AccessSize, Clock, DeviceStats, IrqLine, PortDevice, TimedDevice } from "./device.ts";

/** Size of the CMOS RAM including the clock registers. */
export const CMOS_SIZE = 128;
/** Index port bit 7: NMI disabled. */
const NMI_DISABLE = 0x80;

/** Register numbers of the time of day. */
const REG_SECONDS = 0x00;
const REG_SECONDS_ALARM = 0x01;
const REG_MINUTES = 0x02;
const REG_MINUTES_ALARM = 0x03;
const REG_HOURS = 0x04;
const REG_HOURS_ALARM = 0x05;
const REG_DAY_OF_WEEK = 0x06;
const REG_DAY_OF_MONTH = 0x07;
const REG_MONTH = 0x08;
const REG_YEAR = 0x09;
/** Status register A: UIP (bit 7), divider (6–4), rate select (3–0). */
const REG_A = 0x0a;
/** Status register B: SET, PIE, AIE, UIE, SQWE, DM, 24/12, DSE. */
const REG_B = 0x0b;
/** Status register C: IRQF, PF, AF, UF (read clears). */
const REG_C = 0x0c;
/** Status register D: VRT. */
const REG_D = 0x0d;
/** Century byte (IBM convention), BCD or binary like the year. */
const REG_CENTURY = 0x32;
/** Base memory in KiB (low, high). */
const REG_BASE_MEM = 0x15;
/** Extended memory above 1 MiB in KiB (low, high), and its copy at 0x30. */
const REG_EXT_MEM = 0x17;
const REG_EXT_MEM_COPY = 0x30;
/** Memory above 16 MiB in 64 KiB blocks (low, high). */
const REG_HIGH_MEM = 0x34;
/** Checksum over 0x10–0x2D, stored big-endian at 0x2E–0x2F. */
const REG_CHECKSUM = 0x2e;

/** A: update in progress. */
const A_UIP = 0x80;
/** A: divider bits 6–4; 010 is the normal 32.768 kHz time base. */
const A_DIVIDER_MASK = 0x70;
const A_DIVIDER_NORMAL = 0x20;
/** A: rate select bits 3–0. */
const A_RATE_MASK = 0x0f;
/** B: SET inhibits updates so the time can be written. */
const B_SET = 0x80;
/** B: periodic interrupt enable. */
const B_PIE = 0x40;
/** B: alarm interrupt enable. */
const B_AIE = 0x20;
/** B: update-ended interrupt enable. */
const B_UIE = 0x10;
/** B: data mode binary (1) or BCD (0). */
const B_DM_BINARY = 0x04;
/** B: 24-hour (1) or 12-hour (0) mode. */
const B_24H = 0x02;
/** C: interrupt request flag. */
const C_IRQF = 0x80;
/** C: periodic interrupt flag. */
const C_PF = 0x40;
/** C: alarm flag. */
const C_AF = 0x20;
/** C: update-ended flag. */
const C_UF = 0x10;
/** D: valid RAM and time. */
const D_VRT = 0x80;
/** 12-hour mode: PM bit of the hours byte. */
const HOUR_PM = 0x80;
/** Alarm byte values 0xC0–0xFF match any value. */
const ALARM_DONT_CARE = 0xc0;
/** UIP is set for this long before each update, in ms. */
const UIP_MS = 0.244;
/** Period of rate-select 1 in ns is 2^(rate-1) input clocks of the 32.768 kHz base. */
const NS_PER_32K_CLOCK = 1e9 / 32768;
/** Most seconds checked for an alarm match when catching up (every time of day). */
const MAX_ALARM_SECONDS = 86400;
/** Power-on status A: normal divider, 1024 Hz periodic rate. */
const A_POWER_ON = 0x26;
/** Power-on status B: 24-hour mode, BCD. */
const B_POWER_ON = 0x02;

/** A broken-down time of day (binary, full year). */
export interface RtcTime {
  /** Seconds 0–59. */
  sec: number;
  /** Minutes 0–59. */
  min: number;
  /** Hours 0–23. */
  hour: number;
  /** Day of month 1–31. */
  day: number;
  /** Month 1–12. */
  month: number;
  /** Full year, e.g. 2024. */
  year: number;
}

/** The plain, JSON-able state of the RTC; the defaults are the power-on values. */
export interface CmosRtcState {
  /** The 128 bytes of RAM (the time-of-day cells are computed, not read from here). */
  ram: number[];
  /** Selected register. */
  index: number;
  /** NMI disabled by index bit 7. */
  nmiMasked: boolean;
  /** Milliseconds added to `startTime + now` by guest writes of the time. */
  offsetMs: number;
  /** The time held while B.SET is 1, or null. */
  frozen: RtcTime | null;
  /** Status C flags (IRQF, PF, AF, UF). */
  flags: number;
  /** Time (ns) up to which periodic, update and alarm events have been processed. */
  lastUpdate: number;
}

/** Dependencies of the RTC. */
export interface CmosRtcDeps {
  /** IRQ8. */
  irq: IrqLine;
  /** The VM's time source (ns). */
  clock: Clock;
  /** Wall-clock time (ms since the epoch) at clock time 0; fixed in deterministic mode. */
  startTime: number;
  /** Guest RAM size, written into the BIOS memory-size bytes at power-on. */
  memoryBytes?: number;
}

function toBcd(v: number): number {
  return ((Math.floor(v / 10) % 10) << 4) | (v % 10);
}

function fromBcd(v: number): number {
  return (v >> 4) * 10 + (v & 0x0f);
}

/** The power-on state for a machine with `memoryBytes` of RAM. */
export function cmosRtcPowerOnState(memoryBytes = 0): CmosRtcState {
  const ram = new Array<number>(CMOS_SIZE).fill(0);
  ram[REG_A] = A_POWER_ON;
  ram[REG_B] = B_POWER_ON;
  ram[REG_D] = D_VRT;
  const kib = Math.floor(memoryBytes / 1024);
  const put16 = (at: number, v: number) => {
    const c = Math.max(0, Math.min(0xffff, v));
    ram[at] = c & 0xff;
    ram[at + 1] = c >> 8;
  };
  put16(REG_BASE_MEM, Math.min(640, kib));
  put16(REG_EXT_MEM, kib - 1024);
  put16(REG_EXT_MEM_COPY, kib - 1024);
  put16(REG_HIGH_MEM, Math.floor((memoryBytes - 16 * 1024 * 1024) / 65536));
  let sum = 0;
  for (let i = 0x10; i < REG_CHECKSUM; i++) sum += ram[i];
  ram[REG_CHECKSUM] = (sum >> 8) & 0xff;
  ram[REG_CHECKSUM + 1] = sum & 0xff;
  return {
    ram,
    index: 0,
    nmiMasked: false,
    offsetMs: 0,
    frozen: null,
    flags: 0,
    lastUpdate: 0,
  };
}

/** The RTC and CMOS RAM at 0x70 (index) and 0x71 (data). */
export class CmosRtc implements PortDevice, TimedDevice {
  /** Counters of accesses the chip does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  #s: CmosRtcState;
  #ram: Uint8Array;
  #irq: IrqLine;
  #clock: Clock;
  #startTime: number;

  /**
   * Builds the chip in its power-on state.
   * @param deps.irq IRQ8
   * @param deps.clock time source (ns)
   * @param deps.startTime wall-clock ms since the epoch at clock time 0
   * @param deps.memoryBytes guest RAM size for the memory-size bytes
   */
  constructor(deps: CmosRtcDeps) {
    this.#irq = deps.irq;
    this.#clock = deps.clock;
    this.#startTime = deps.startTime;
    this.#s = cmosRtcPowerOnState(deps.memoryBytes);
    this.#ram = Uint8Array.from(this.#s.ram);
  }

  /** Restores the chip from `saveState()` output (missing fields take power-on values). */
  static fromState(state: Partial<CmosRtcState>, deps: CmosRtcDeps): CmosRtc {
    const rtc = new CmosRtc(deps);
    rtc.#s = { ...rtc.#s, ...state };
    if (state.ram) rtc.#ram.set(state.ram.slice(0, CMOS_SIZE));
    rtc.#s.frozen = state.frozen ? { ...state.frozen } : null;
    return rtc;
  }

  /** A JSON-able copy of the chip. */
  saveState(): CmosRtcState {
    return {
      ...this.#s,
      ram: Array.from(this.#ram),
      frozen: this.#s.frozen ? { ...this.#s.frozen } : null,
    };
  }

  /** True when the guest has disabled NMI through index bit 7. */
  get nmiMasked(): boolean {
    return this.#s.nmiMasked;
  }

  /** The time of day the guest would read now. */
  time(): RtcTime {
    return this.#s.frozen ? { ...this.#s.frozen } : this.#timeAt(this.#clock.now());
  }

  /** Reads the data port (offset 1); the write-only index port reads as 0xFF. */
  read(offset: number, size: AccessSize): number {
    if (offset !== 1 || size !== 1) {
      this.stats.missedReads++;
      return 0xff;
    }
    const now = this.#clock.now();
    const reg = this.#s.index;
    switch (reg) {
      case REG_A:
        return (this.#ram[REG_A] & ~A_UIP) | (this.#updateInProgress(now) ? A_UIP : 0);
      case REG_C: {
        this.#advance(now);
        const v = this.#s.flags;
        this.#s.flags = 0;
        if (v & C_IRQF) this.#irq.set(false);
        return v;
      }
      case REG_D:
        return D_VRT;
    }
    const field = this.#fieldOf(reg);
    if (field === undefined) return this.#ram[reg];
    const t = this.#s.frozen ?? this.#timeAt(now);
    return this.#encodeField(reg, t);
  }

  /** Writes the index (offset 0, bit 7 masks NMI) or the selected register (offset 1). */
  write(offset: number, size: AccessSize, value: number): void {
    if (offset > 1 || size !== 1) {
      this.stats.missedWrites++;
      return;
    }
    value &= 0xff;
    if (offset === 0) {
      this.#s.index = value & (CMOS_SIZE - 1);
      this.#s.nmiMasked = (value & NMI_DISABLE) !== 0;
      return;
    }
    const now = this.#clock.now();
    const reg = this.#s.index;
    this.#advance(now);
    switch (reg) {
      case REG_A:
        this.#ram[REG_A] = value & ~A_UIP;
        break;
      case REG_B:
        this.#writeB(value, now);
        break;
      case REG_C:
      case REG_D:
        break; // read-only
      default:
        if (this.#fieldOf(reg) === undefined) this.#ram[reg] = value;
        else this.#writeField(reg, value, now);
    }
    this.#updateIrq();
  }

  /** Brings periodic, alarm and update-ended flags up to `now`, raising IRQ8 when enabled. */
  poll(now: number): void {
    this.#advance(now);
    this.#updateIrq();
  }

  /** The next time an enabled interrupt can fire, or Infinity. */
  nextDeadline(): number {
    const s = this.#s;
    const b = this.#ram[REG_B];
    if (s.flags & C_IRQF || !this.#dividerRunning()) return Infinity;
    let next = Infinity;
    const period = this.#periodNs();
    if (b & B_PIE && period > 0) {
      next = Math.ceil((Math.floor(s.lastUpdate / period) + 1) * period);
    }
    if (b & (B_UIE | B_AIE) && !(b & B_SET)) {
      const sec = Math.floor(this.#wallMs(s.lastUpdate) / 1000) + 1;
      let t = Math.max(
        s.lastUpdate + 1,
        Math.ceil((sec * 1000 - this.#startTime - s.offsetMs) * 1e6),
      );
      for (let i = 0; i < 4096 && Math.floor(this.#wallMs(t) / 1000) < sec; i++) t += 64;
      next = Math.min(next, t);
    }
    return next;
  }

  #wallMs(now: number): number {
    return this.#startTime + this.#s.offsetMs + now / 1e6;
  }

  #timeAt(now: number): RtcTime {
    const d = new Date(Math.floor(this.#wallMs(now)));
    return {
      sec: d.getUTCSeconds(),
      min: d.getUTCMinutes(),
      hour: d.getUTCHours(),
      day: d.getUTCDate(),
      month: d.getUTCMonth() + 1,
      year: d.getUTCFullYear(),
    };
  }

  #dividerRunning(): boolean {
    return (this.#ram[REG_A] & A_DIVIDER_MASK) === A_DIVIDER_NORMAL;
  }

  #updateInProgress(now: number): boolean {
    if (!this.#dividerRunning() || this.#ram[REG_B] & B_SET) return false;
    const ms = this.#wallMs(now);
    return ms - Math.floor(ms / 1000) * 1000 >= 1000 - UIP_MS;
  }

  /** Periodic interrupt period in ns for the rate in A, or 0 when off. */
  #periodNs(): number {
    let rate = this.#ram[REG_A] & A_RATE_MASK;
    if (rate === 0) return 0;
    if (rate < 3) rate += 7; // rates 1 and 2 repeat rates 8 and 9
    return (1 << (rate - 1)) * NS_PER_32K_CLOCK;
  }

  #advance(now: number): void {
    const s = this.#s;
    const last = s.lastUpdate;
    if (now <= last) return;
    s.lastUpdate = now;
    if (!this.#dividerRunning()) return;
    const period = this.#periodNs();
    if (period > 0 && Math.floor(now / period) > Math.floor(last / period)) s.flags |= C_PF;
    if (this.#ram[REG_B] & B_SET) return;
    const s0 = Math.floor(this.#wallMs(last) / 1000);
    const s1 = Math.floor(this.#wallMs(now) / 1000);
    if (s1 <= s0) return;
    s.flags |= C_UF;
    if (s.flags & C_AF) return;
    for (let sec = s1; sec > s0 && sec > s1 - MAX_ALARM_SECONDS; sec--) {
      const d = new Date(sec * 1000);
      const t = { sec: d.getUTCSeconds(), min: d.getUTCMinutes(), hour: d.getUTCHours() };
      if (this.#alarmMatches(t.sec, t.min, t.hour)) {
        s.flags |= C_AF;
        break;
      }
    }
  }

  #alarmMatches(sec: number, min: number, hour: number): boolean {
    const t = { sec, min, hour, day: 1, month: 1, year: 2000 };
    const pairs: Array<[number, number]> = [
      [REG_SECONDS_ALARM, REG_SECONDS],
      [REG_MINUTES_ALARM, REG_MINUTES],
      [REG_HOURS_ALARM, REG_HOURS],
    ];
    for (const [alarm, reg] of pairs) {
      const a = this.#ram[alarm];
      if ((a & ALARM_DONT_CARE) === ALARM_DONT_CARE) continue;
      if (a !== this.#encodeField(reg, t)) return false;
    }
    return true;
  }

  #updateIrq(): void {
    const s = this.#s;
    const b = this.#ram[REG_B];
    const want = (s.flags & C_PF && b & B_PIE) || (s.flags & C_AF && b & B_AIE) ||
      (s.flags & C_UF && b & B_UIE);
    if (want && !(s.flags & C_IRQF)) {
      s.flags |= C_IRQF;
      this.#irq.set(true);
    }
  }

  #writeB(value: number, now: number): void {
    const s = this.#s;
    const old = this.#ram[REG_B];
    if (value & B_SET) value &= ~B_UIE; // datasheet: SET clears UIE
    if (value & B_SET && !(old & B_SET)) s.frozen = this.#timeAt(now);
    this.#ram[REG_B] = value;
    if (!(value & B_SET) && old & B_SET && s.frozen) {
      this.#setTime(s.frozen, now);
      s.frozen = null;
    }
  }

  /** The RtcTime field a time-of-day register holds. */
  #fieldOf(reg: number): keyof RtcTime | "dow" | "century" | undefined {
    switch (reg) {
      case REG_SECONDS:
        return "sec";
      case REG_MINUTES:
        return "min";
      case REG_HOURS:
        return "hour";
      case REG_DAY_OF_WEEK:
        return "dow";
      case REG_DAY_OF_MONTH:
        return "day";
      case REG_MONTH:
        return "month";
      case REG_YEAR:
        return "year";
      case REG_CENTURY:
        return "century";
    }
    return undefined;
  }

  #encode(v: number): number {
    return this.#ram[REG_B] & B_DM_BINARY ? v : toBcd(v);
  }

  #decode(v: number): number {
    return this.#ram[REG_B] & B_DM_BINARY ? v : fromBcd(v);
  }

  #encodeField(reg: number, t: RtcTime): number {
    switch (reg) {
      case REG_HOURS: {
        if (this.#ram[REG_B] & B_24H) return this.#encode(t.hour);
        const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
        return this.#encode(h12) | (t.hour >= 12 ? HOUR_PM : 0);
      }
      case REG_DAY_OF_WEEK: // 1 = Sunday
        return this.#encode(new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay() + 1);
      case REG_YEAR:
        return this.#encode(t.year % 100);
      case REG_CENTURY:
        return this.#encode(Math.floor(t.year / 100) % 100);
      default:
        return this.#encode(t[this.#fieldOf(reg) as "sec" | "min" | "day" | "month"]);
    }
  }

  #writeField(reg: number, value: number, now: number): void {
    const s = this.#s;
    const t = s.frozen ?? this.#timeAt(now);
    switch (reg) {
      case REG_HOURS:
        if (this.#ram[REG_B] & B_24H) t.hour = this.#decode(value);
        else t.hour = (this.#decode(value & ~HOUR_PM) % 12) + (value & HOUR_PM ? 12 : 0);
        break;
      case REG_DAY_OF_WEEK:
        return; // derived from the date
      case REG_YEAR:
        t.year = Math.floor(t.year / 100) * 100 + this.#decode(value);
        break;
      case REG_CENTURY:
        t.year = this.#decode(value) * 100 + (t.year % 100);
        break;
      default:
        t[this.#fieldOf(reg) as "sec" | "min" | "day" | "month"] = this.#decode(value);
    }
    if (s.frozen) s.frozen = t;
    else this.#setTime(t, now);
  }

  /** Makes the running clock show `t` now, keeping the position within the second. */
  #setTime(t: RtcTime, now: number): void {
    const s = this.#s;
    const wall = this.#wallMs(now);
    const frac = wall - Math.floor(wall / 1000) * 1000;
    const target = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.min, t.sec) + frac;
    // Out-of-range guest values give NaN: keep the old time rather than poison it.
    if (!Number.isFinite(target)) return;
    s.offsetMs += target - wall;
  }
}
