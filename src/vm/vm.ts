/**
 * A virtual machine: guest memory, one CPU, the PC devices, the monitor, and the run loop that
 * ties them together (DESIGN.md §1, §6). `run()` returns a `VmExit` for whatever the monitor
 * does not handle itself.
 */

import { Cpu } from "../cpu/cpu.ts";
import type { CpuEnvironment } from "../cpu/environment.ts";
import { deliverFault, deliverInterrupt, SOURCE_EXTERNAL } from "../cpu/exceptions.ts";
import { CpuFault } from "../cpu/fault.ts";
import { IF } from "../cpu/flags.ts";
import { Interpreter } from "../cpu/interp/interpreter.ts";
import { PhysicalMemory } from "../cpu/physical_memory.ts";
import { OFF_A20_MASK, OFF_INHIBIT_IRQ } from "../cpu/state.ts";
import { PortBus } from "../devices/bus.ts";
import { CmosRtc, type CmosRtcState } from "../devices/cmos_rtc.ts";
import { DebugConsole, DebugExit, PostPort, type PostPortState } from "../devices/debug_ports.ts";
import type { AccessSize, PortDevice, TimedDevice } from "../devices/device.ts";
import { DualPic, type DualPicState } from "../devices/dual_pic.ts";
import { Pit8254, type Pit8254State } from "../devices/pit8254.ts";
import { SystemControlB, type SystemControlBState } from "../devices/port61.ts";
import { PORT92_A20, SystemControlA, type SystemControlAState } from "../devices/port92.ts";
import { Uart16550, type Uart16550State } from "../devices/uart16550.ts";
import { I8042, type I8042State } from "../devices/i8042.ts";
import { cpuidLeaf } from "../monitor/cpuid.ts";
import { type Hypercall, HYPERCALL_PORT, type HypercallHandler } from "../monitor/hypercall.ts";
import { MsrFile } from "../monitor/msr.ts";
import { PortRouter } from "../monitor/port_router.ts";
import { HostClock, InstructionClock } from "./clock.ts";
import type { Engine } from "./engine.ts";
import type { VmExit } from "./exits.ts";

/** Fixed wall-clock start of deterministic runs: 2000-01-01T00:00:00Z. */
const DETERMINISTIC_EPOCH_MS = 946_684_800_000;
/** Instructions per engine call in host-time mode, between device polls. */
const HOST_SLICE = 50_000;
/** Host time (ms) between yields to the event loop, so input and timers are serviced. */
const YIELD_INTERVAL_MS = 20;
/** Longest host sleep (ms) while the guest is halted. */
const MAX_HALT_SLEEP_MS = 10;

/** Options for constructing a VM. */
export interface VmConfig {
  /** Guest RAM in bytes. */
  memoryBytes: number;
  /** Room for a firmware ROM in bytes (0 = none). */
  romCapacity: number;
  /** Instruction-count time instead of host time. */
  deterministic: boolean;
  /** Receives bytes the guest writes to COM1. */
  serialOutput: (bytes: Uint8Array) => void;
  /** Receives bytes the guest writes to the debug console (port 0xE9). */
  debugOutput: (bytes: Uint8Array) => void;
  /** Stop with a `budget` exit after this many instructions in total (Infinity = never). */
  maxInstructions: number;
  /** Stop with a `budget` exit after this much host time in ms, over all `run()` calls. */
  timeoutMs: number;
}

/** Handlers an embedder attaches to a range of ports. */
export interface PortHandler {
  /** Reads `size` bytes at `port`. Missing: reads as all ones. */
  read?(port: number, size: 1 | 2 | 4): number;
  /** Writes `size` bytes of `value` to `port`. Missing: writes are ignored. */
  write?(port: number, size: 1 | 2 | 4, value: number): void;
}

/** The general registers, EIP and EFLAGS, as unsigned 32-bit values. */
export interface Registers {
  /** Accumulator. */
  eax: number;
  /** Counter. */
  ecx: number;
  /** Data. */
  edx: number;
  /** Base. */
  ebx: number;
  /** Stack pointer. */
  esp: number;
  /** Frame pointer. */
  ebp: number;
  /** Source index. */
  esi: number;
  /** Destination index. */
  edi: number;
  /** Instruction pointer. */
  eip: number;
  /** Flags. */
  eflags: number;
}

const REGISTER_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;

/** The saved state of every stateful device, as plain JSON-able objects. */
export interface DeviceStates {
  /** The two 8259As and the ELCR. */
  pic: DualPicState;
  /** The 8254. */
  pit: Pit8254State;
  /** Port 0x61. */
  port61: SystemControlBState;
  /** Port 0x92. */
  port92: SystemControlAState;
  /** The RTC and CMOS RAM. */
  rtc: CmosRtcState;
  /** COM1. */
  uart: Uart16550State;
  /** The keyboard controller. */
  i8042: I8042State;
  /** The POST code port. */
  post: PostPortState;
}

/** Counters the run loop keeps. */
export interface VmStats {
  /** Instructions retired. */
  instructions: number;
  /** `run()` results by exit kind. */
  exits: Record<string, number>;
  /** External interrupts delivered. */
  interrupts: number;
  /** Host milliseconds spent inside `run()`. */
  runMs: number;
}

/** A virtual PC: CPU, memory, devices and the monitor. */
export class Vm {
  /** Guest physical memory. */
  readonly memory: PhysicalMemory;
  /** The CPU. */
  readonly cpu: Cpu;
  /** The interpreter (also used by the JIT for cold code). */
  readonly interpreter: Interpreter;
  /** The engine `run()` uses. */
  engine: Engine;
  /** The port bus with every in-monitor device. */
  readonly bus: PortBus = new PortBus();
  /** Interrupt controllers. */
  readonly pic: DualPic;
  /** COM1. */
  readonly uart: Uart16550;
  /** Timer. */
  readonly pit: Pit8254;
  /** Real-time clock and CMOS. */
  readonly rtc: CmosRtc;
  /** Run-loop counters. */
  readonly stats: VmStats = { instructions: 0, exits: {}, interrupts: 0, runMs: 0 };

  /** Whether time is instruction-count time. */
  readonly deterministic: boolean;
  readonly #config: VmConfig;
  readonly #clock: HostClock | InstructionClock;
  readonly #timed: TimedDevice[];
  readonly #msrs: MsrFile;
  readonly #router: PortRouter;
  readonly #hypercalls = new Map<number, HypercallHandler>();
  readonly #port61: SystemControlB;
  readonly #port92: SystemControlA;
  readonly #post: PostPort;
  readonly #i8042: I8042;
  #pendingExit: VmExit | null = null;
  #cancelled = false;
  #stopped: VmExit | null = null;

  /**
   * Creates a VM with its devices at power-on (or at the given saved states).
   * @param config memory, time and output settings
   * @param devices device states to start from (a snapshot's); power-on state by default
   */
  constructor(config: VmConfig, devices?: Partial<DeviceStates>) {
    this.#config = config;
    this.deterministic = config.deterministic;
    this.memory = new PhysicalMemory(config.memoryBytes, config.romCapacity);
    const clock = config.deterministic ? new InstructionClock() : new HostClock();
    this.#clock = clock;
    this.#msrs = new MsrFile(() => BigInt(clock.now()));
    this.#router = new PortRouter(this.bus, (port, size, direction, value) => {
      this.#exitLater({ kind: "io", port, size, direction, value });
    });
    const env: CpuEnvironment = {
      portIn: (port, size) => this.#router.portIn(port, size),
      portOut: (port, size, value) => this.#router.portOut(port, size, value),
      mmioRead: (addr, size) => {
        const value = size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
        this.#exitLater({ kind: "mmio", addr, size, direction: "read", value });
        return value;
      },
      mmioWrite: (addr, size, value) => {
        this.#exitLater({ kind: "mmio", addr, size, direction: "write", value });
      },
      cpuid: cpuidLeaf,
      readMsr: (index) => this.#msrs.read(index),
      writeMsr: (index, value) => this.#msrs.write(index, value),
      readTsc: () => this.#msrs.tsc(),
    };
    this.cpu = new Cpu(this.memory, env);
    this.interpreter = new Interpreter(this.cpu);
    this.engine = this.interpreter;

    const saved = devices ?? {};
    this.pic = DualPic.fromState(saved.pic ?? {});
    for (const { dev, base, len } of this.pic.ports()) this.bus.insert(dev, base, len);
    this.pit = Pit8254.fromState(saved.pit ?? {}, { irq: this.pic.irqLine(0), clock });
    this.bus.insert(this.pit, 0x40, 4);
    this.#port61 = SystemControlB.fromState(saved.port61 ?? {}, { pit: this.pit, clock });
    this.bus.insert(this.#port61, 0x61, 1);
    this.rtc = CmosRtc.fromState(saved.rtc ?? {}, {
      irq: this.pic.irqLine(8),
      clock,
      startTime: config.deterministic ? DETERMINISTIC_EPOCH_MS : Date.now(),
      memoryBytes: config.memoryBytes,
    });
    this.bus.insert(this.rtc, 0x70, 2);
    this.uart = Uart16550.fromState(saved.uart ?? {}, {
      irq: this.pic.irqLine(4),
      output: config.serialOutput,
      clock,
    });
    this.bus.insert(this.uart, 0x3f8, 8);
    this.bus.insert(new DebugConsole({ output: config.debugOutput }), 0xe9, 1);
    this.#post = PostPort.fromState(saved.post ?? {});
    this.bus.insert(this.#post, 0x80, 1);
    const stop = (reason: "exit-port" | "reset", status?: number) =>
      this.#stop(
        reason === "reset"
          ? { kind: "shutdown", reason, eip: this.cpu.eip }
          : { kind: "shutdown", reason, status, eip: this.cpu.eip },
      );
    this.bus.insert(new DebugExit({ onExit: (status) => stop("exit-port", status) }), 0xf4, 4);
    // The CPU starts with the gate open, so the port's A20 bit starts set and reads back so.
    this.#port92 = SystemControlA.fromState(saved.port92 ?? { value: PORT92_A20 }, {
      setA20: (on) => this.setA20(on),
      onReset: () => stop("reset"),
    });
    this.bus.insert(this.#port92, 0x92, 1);
    this.#i8042 = I8042.fromState(saved.i8042 ?? {}, {
      irq: this.pic.irqLine(1),
      auxIrq: this.pic.irqLine(12),
      setA20: (on) => this.setA20(on),
      onReset: () => stop("reset"),
    });
    this.bus.insert(this.#i8042.data, 0x60, 1);
    this.bus.insert(this.#i8042.command, 0x64, 1);
    this.bus.insert(this.#hypercallPort(), HYPERCALL_PORT, 4);
    this.#timed = [this.pit, this.rtc, this.uart];
  }

  /** Reads the general registers, EIP and EFLAGS (between runs). */
  getRegisters(): Registers {
    const cpu = this.cpu;
    const regs = Object.fromEntries(REGISTER_NAMES.map((n, r) => [n, cpu.reg32(r) >>> 0]));
    return { ...regs, eip: cpu.eip >>> 0, eflags: cpu.getFlags() >>> 0 } as Registers;
  }

  /** Sets some of the general registers, EIP and EFLAGS (between runs). */
  setRegisters(regs: Partial<Registers>): void {
    const cpu = this.cpu;
    REGISTER_NAMES.forEach((n, r) => {
      const v = regs[n];
      if (v !== undefined) cpu.setReg32(r, v | 0);
    });
    if (regs.eip !== undefined) cpu.eip = regs.eip | 0;
    if (regs.eflags !== undefined) cpu.setFlags(regs.eflags);
  }

  /** Copies `length` bytes of guest RAM at physical `addr`; RangeError outside RAM. */
  readMemory(addr: number, length: number): Uint8Array {
    return this.memory.read(addr, length);
  }

  /**
   * Writes `bytes` into guest RAM at physical `addr` (RangeError outside RAM); translated code
   * on the pages written is invalidated.
   */
  writeMemory(addr: number, bytes: Uint8Array): void {
    this.memory.write(addr, bytes);
    const mmu = this.cpu.mmu;
    for (let page = addr >>> 12; page <= (addr + bytes.length - 1) >>> 12; page++) {
      if (mmu.codePages[page] !== 0) mmu.codeWritten(page);
    }
  }

  /** Saves every device's state. */
  saveDevices(): DeviceStates {
    return {
      pic: this.pic.saveState(),
      pit: this.pit.saveState(),
      port61: this.#port61.saveState(),
      port92: this.#port92.saveState(),
      rtc: this.rtc.saveState(),
      uart: this.uart.saveState(),
      i8042: this.#i8042.saveState(),
      post: this.#post.saveState(),
    };
  }

  /** The clock's position, for snapshots: instructions retired and time skipped while halted. */
  get clockState(): { instructions: number; skipped: number } {
    const c = this.#clock;
    return c instanceof InstructionClock
      ? { instructions: c.instructions, skipped: c.skipped }
      : { instructions: 0, skipped: c.now() };
  }
  set clockState(v: { instructions: number; skipped: number }) {
    const c = this.#clock;
    if (c instanceof InstructionClock) {
      c.instructions = v.instructions;
      c.skipped = v.skipped;
    } else {
      c.rebase(v.skipped);
    }
  }

  /** Time (ns) on the VM's clock. */
  now(): number {
    return this.#clock.now();
  }

  /** Opens or closes the A20 gate (physical address bit 20 forced to zero when closed). */
  setA20(on: boolean): void {
    this.cpu.i32[OFF_A20_MASK >> 2] = on ? -1 : ~(1 << 20);
    this.cpu.mmu.flushAll();
    // Compiled code assumes the gate's state (JIT block mode): leave it after this instruction.
    this.cpu.requestStop();
  }

  /** Attaches an embedder's handler to ports `base` … `base + len - 1`. */
  addPortHandler(base: number, len: number, handler: PortHandler): void {
    const dev: PortDevice = {
      read: (offset: number, size: AccessSize) =>
        handler.read
          ? handler.read(base + offset, size)
          : size === 4
          ? 0xffffffff
          : (1 << (8 * size)) - 1,
      write: (offset: number, size: AccessSize, value: number) =>
        handler.write?.(base + offset, size, value),
    };
    this.bus.insert(dev, base, len);
  }

  /** Registers the handler for hypercall number `nr`. */
  onHypercall(nr: number, handler: HypercallHandler): void {
    this.#hypercalls.set(nr >>> 0, handler);
  }

  #hypercallPort(): PortDevice {
    return {
      read: () => 0xffffffff,
      write: () => {
        const cpu = this.cpu;
        const call: Hypercall = {
          nr: cpu.reg32(0) >>> 0,
          args: [cpu.reg32(3) >>> 0, cpu.reg32(1) >>> 0, cpu.reg32(2) >>> 0, cpu.reg32(6) >>> 0],
        };
        const handler = this.#hypercalls.get(call.nr);
        if (handler) cpu.setReg32(0, handler(call) | 0);
        else this.#exitLater({ kind: "hypercall", ...call });
      },
    };
  }

  /**
   * Makes the current (or next) `run()` return a `budget` exit with reason "cancelled" as soon
   * as the engine next returns; safe to call from an input handler while the guest runs.
   */
  cancel(): void {
    this.#cancelled = true;
    this.cpu.requestStop();
  }

  #exitLater(exit: VmExit): void {
    if (this.#pendingExit === null) this.#pendingExit = exit;
    this.cpu.requestStop();
  }

  #stop(exit: VmExit): void {
    this.#stopped = exit;
    this.cpu.requestStop();
  }

  /** Delivers a pending external interrupt if the CPU accepts one; false on a triple fault. */
  #deliverInterrupt(): boolean {
    const cpu = this.cpu;
    if ((cpu.rawFlags & IF) === 0 || !this.pic.pending()) return true;
    const vector = this.pic.acknowledge();
    cpu.halted = false;
    this.stats.interrupts++;
    try {
      deliverInterrupt(cpu, vector, -1, SOURCE_EXTERNAL);
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      return deliverFault(cpu, e);
    }
    return true;
  }

  #poll(): void {
    const now = this.#clock.now();
    for (const d of this.#timed) d.poll(now);
  }

  #nextDeadline(): number {
    let t = Infinity;
    for (const d of this.#timed) t = Math.min(t, d.nextDeadline());
    return t;
  }

  /**
   * Runs the guest until something needs the embedder: an exit the monitor does not handle,
   * a limit, or the end of the machine.
   */
  async run(): Promise<VmExit> {
    const start = performance.now();
    try {
      const exit = await this.#runLoop(start);
      this.stats.exits[exit.kind] = (this.stats.exits[exit.kind] ?? 0) + 1;
      return exit;
    } finally {
      this.stats.runMs += performance.now() - start;
    }
  }

  async #runLoop(start: number): Promise<VmExit> {
    const cpu = this.cpu;
    const config = this.#config;
    const clock = this.#clock;
    let lastYield = performance.now();
    for (;;) {
      if (this.#stopped !== null) return this.#stopped;
      if (this.#cancelled) {
        this.#cancelled = false;
        return { kind: "budget", reason: "cancelled" };
      }
      if (this.#pendingExit !== null) {
        const exit = this.#pendingExit;
        this.#pendingExit = null;
        return exit;
      }
      if (this.stats.instructions >= config.maxInstructions) {
        return { kind: "budget", reason: "instructions" };
      }
      const hostNow = performance.now();
      // The limit counts every run() so far: a guest that keeps exiting cannot outlive it.
      if (this.stats.runMs + hostNow - start >= config.timeoutMs) {
        return { kind: "budget", reason: "time" };
      }
      if (hostNow - lastYield >= YIELD_INTERVAL_MS) {
        await new Promise((r) => setTimeout(r, 0));
        lastYield = performance.now();
      }
      this.#poll();
      const inhibited = cpu.i32[OFF_INHIBIT_IRQ >> 2] !== 0;
      if (!inhibited && !this.#deliverInterrupt()) {
        return { kind: "shutdown", reason: "triple-fault", eip: cpu.eip };
      }
      if (cpu.halted) {
        if ((cpu.rawFlags & IF) === 0) return { kind: "hlt", eip: cpu.eip };
        const deadline = this.#nextDeadline();
        if (clock instanceof InstructionClock) {
          if (deadline === Infinity) return { kind: "hlt", eip: cpu.eip };
          clock.skipped += Math.max(0, Math.ceil(deadline - clock.now()));
        } else {
          const waitMs = Math.min(MAX_HALT_SLEEP_MS, Math.max(0, (deadline - clock.now()) / 1e6));
          await new Promise((r) => setTimeout(r, waitMs));
          lastYield = performance.now();
        }
        continue;
      }
      let budget = inhibited ? 1 : HOST_SLICE;
      if (clock instanceof InstructionClock) {
        const until = this.#nextDeadline() - clock.now();
        if (until < budget) budget = Math.max(1, Math.ceil(until));
      }
      budget = Math.min(budget, config.maxInstructions - this.stats.instructions);
      const result = this.engine.run(budget);
      if (inhibited) cpu.i32[OFF_INHIBIT_IRQ >> 2] = 0;
      this.stats.instructions += result.retired;
      if (clock instanceof InstructionClock) clock.instructions += result.retired;
      if (result.tripleFault) return { kind: "shutdown", reason: "triple-fault", eip: cpu.eip };
    }
  }
}
