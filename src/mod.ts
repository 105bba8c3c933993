/**
 * jitvisor: an x86 hypervisor core for Deno. Create a VM from a guest image, run it with the
 * interpreter or the JIT, handle its port I/O and hypercalls, and read its memory and registers.
 *
 * @example Run a guest and read what it printed
 * ```ts
 * import assert from "node:assert/strict";
 * import { createVm } from "./mod.ts";
 *
 * const image = await Deno.readFile(new URL("../guests/build/hello.elf", import.meta.url));
 * let text = "";
 * const vm = await createVm(image, {
 *   engine: "interp",
 *   deterministic: true,
 *   serialOutput: (bytes) => text += new TextDecoder().decode(bytes),
 * });
 * const exit = await vm.run();
 * assert.equal(exit.kind, "shutdown");
 * assert.equal(text, "Hello from jitvisor!\n");
 * ```
 *
 * @module
 */

import { describeImage } from "./boot/image_info.ts";
import { ImageFormatError } from "./boot/image_error.ts";
import { loadLinux } from "./boot/linux.ts";
import { loadMultiboot, type MultibootModule } from "./boot/multiboot.ts";
import { loadResetRom } from "./boot/rom.ts";
import { ATTR_CODE, ATTR_P, ATTR_RW, ATTR_S } from "./cpu/cpu.ts";
import { CS, EAX, EBX, ESI, OFF_GDTR_BASE, OFF_GDTR_LIMIT } from "./cpu/state.ts";
import type { Engine } from "./vm/engine.ts";
import { Vm } from "./vm/vm.ts";
import { restoreSnapshot, takeSnapshot, type VmSnapshot } from "./vm/snapshot.ts";

export type { VmExit } from "./vm/exits.ts";
export type {
  BudgetExit,
  ErrorExit,
  HltExit,
  HypercallExit,
  IoExit,
  MmioExit,
  ShutdownExit,
} from "./vm/exits.ts";
export type { PortHandler, Registers, VmStats } from "./vm/vm.ts";
export type { Hypercall, HypercallHandler } from "./monitor/hypercall.ts";
export { HYPERCALL_PORT } from "./monitor/hypercall.ts";
export { ImageFormatError } from "./boot/image_error.ts";
export { Vm } from "./vm/vm.ts";
export type { MultibootModule } from "./boot/multiboot.ts";
export type { VmSnapshot } from "./vm/snapshot.ts";
export type { DeviceStates } from "./vm/vm.ts";

/** Which engine runs guest code. */
export type EngineKind = "interp" | "jit";

/** How to interpret the image given to `createVm`. */
export type ImageKind = "auto" | "multiboot" | "linux" | "rom";

/** Options of `createVm`; every field is optional. */
export interface VmOptions {
  /**
   * Guest RAM in bytes.
   * @default 67108864 (64 MiB)
   */
  memory?: number;
  /**
   * The engine that runs guest code.
   * @default "interp"
   */
  engine?: EngineKind;
  /**
   * JIT compile threshold: block executions before compiling (0 = compile on first sight).
   * @default 50
   */
  jitThreshold?: number;
  /**
   * With the JIT, run qualifying counted loops a group of iterations at a time in WebAssembly
   * SIMD lanes, where run-time checks show the result is the same (false: one at a time).
   * @default true
   */
  jitSimd?: boolean;
  /**
   * With the JIT, start the guest in the interpreter while binaryen loads (about a second, once
   * per process) instead of waiting for it; `vm.run()` switches to compiled code when it is
   * ready. The CLI does this, so short guests start at once.
   * @default false
   */
  jitBackgroundLoad?: boolean;
  /**
   * Instruction-count time instead of host time, so runs are repeatable.
   * @default false
   */
  deterministic?: boolean;
  /**
   * How to load the image.
   * @default "auto"
   */
  kind?: ImageKind;
  /**
   * Kernel command line (multiboot and Linux).
   * @default ""
   */
  cmdline?: string;
  /**
   * Multiboot modules.
   * @default []
   */
  modules?: MultibootModule[];
  /**
   * Linux initial ramdisk.
   * @default undefined
   */
  initrd?: Uint8Array;
  /**
   * Display name of the image in error messages.
   * @default "image"
   */
  name?: string;
  /**
   * Receives bytes the guest writes to COM1.
   * @default discards them
   */
  serialOutput?: (bytes: Uint8Array) => void;
  /**
   * Receives bytes the guest writes to the debug console (port 0xE9).
   * @default the serial output
   */
  debugOutput?: (bytes: Uint8Array) => void;
  /**
   * Stop with a `budget` exit after this many instructions.
   * @default Infinity
   */
  maxInstructions?: number;
  /**
   * Stop with a `budget` exit after this many host milliseconds spent running, over all `run()`
   * calls.
   * @default Infinity
   */
  timeoutMs?: number;
}

const DEFAULT_MEMORY = 64 * 1024 * 1024;

/** Picks the loader for an image. */
function detectKind(image: Uint8Array, name: string): Exclude<ImageKind, "auto"> {
  const info = describeImage(image, name);
  if (info.format === "multiboot-elf32" || info.format === "multiboot-aout") return "multiboot";
  if (info.format === "linux-bzimage") return "linux";
  const size = image.length;
  if (size >= 0x10000 && size <= 0x1000000 && (size & (size - 1)) === 0) return "rom";
  if (info.format === "elf32") {
    throw new ImageFormatError(
      `Cannot load kernel "${name}": ELF image has no multiboot header`,
      0,
    );
  }
  throw new ImageFormatError(
    `Cannot load "${name}": not a multiboot kernel, a Linux bzImage or a firmware ROM`,
    0,
  );
}

/**
 * Creates a VM and loads `image` into it: a multiboot v1 kernel (entered in flat 32-bit
 * protected mode with EAX = 0x2BADB002 and EBX = the multiboot information), a Linux bzImage
 * (32-bit boot protocol), or a firmware ROM (executed from F000:FFF0 in real mode).
 *
 * @param image the guest image bytes
 * @param options memory, engine, time and output settings
 * @returns a VM ready to `run()`
 * @throws ImageFormatError when the image cannot be loaded; RangeError for bad sizes
 *
 * @example Handle a hypercall
 * ```ts
 * import assert from "node:assert/strict";
 * import { createVm } from "./mod.ts";
 *
 * const vm = await createVm(await Deno.readFile(new URL("../guests/build/hello.elf", import.meta.url)), {
 *   deterministic: true,
 * });
 * vm.onHypercall(1, (call) => call.args[0] + 1);
 * assert.equal((await vm.run()).kind, "shutdown");
 * ```
 */
export async function createVm(image: Uint8Array, options: VmOptions = {}): Promise<Vm> {
  const name = options.name ?? "image";
  const kind = options.kind === undefined || options.kind === "auto"
    ? detectKind(image, name)
    : options.kind;
  const serial = options.serialOutput ?? (() => {});
  const vm = new Vm({
    memoryBytes: options.memory ?? DEFAULT_MEMORY,
    romCapacity: kind === "rom" ? image.length : 0,
    deterministic: options.deterministic ?? false,
    serialOutput: serial,
    debugOutput: options.debugOutput ?? serial,
    maxInstructions: options.maxInstructions ?? Infinity,
    timeoutMs: options.timeoutMs ?? Infinity,
  });
  const cpu = vm.cpu;
  if (kind === "multiboot") {
    const boot = loadMultiboot(vm.memory, image, {
      name,
      cmdline: options.cmdline ?? "",
      modules: options.modules ?? [],
    });
    cpu.enterFlatProtectedMode();
    cpu.setReg32(EAX, boot.eax);
    cpu.setReg32(EBX, boot.ebx);
    cpu.eip = boot.entry;
  } else if (kind === "linux") {
    const boot = loadLinux(vm.memory, image, {
      name,
      cmdline: options.cmdline ?? "",
      initrd: options.initrd,
    });
    // The 32-bit boot protocol: flat segments __BOOT_CS/__BOOT_DS from the loader's GDT,
    // interrupts off, ESI pointing at the zero page.
    cpu.enterFlatProtectedMode();
    cpu.i32[OFF_GDTR_BASE >> 2] = boot.gdtBase;
    cpu.i32[OFF_GDTR_LIMIT >> 2] = boot.gdtLimit;
    for (let s = 0; s < 6; s++) {
      const sel = s === CS ? boot.cs : boot.ds;
      cpu.setSegmentCache(s, sel, 0, 0xffffffff, cpu.segAttrs(s));
    }
    cpu.setReg32(ESI, boot.esi);
    cpu.eip = boot.entry;
  } else {
    const reset = loadResetRom(vm.memory, image, name);
    cpu.reset();
    cpu.setSegmentCache(CS, reset.cs, reset.csBase, 0xffff, ATTR_P | ATTR_S | ATTR_RW | ATTR_CODE);
    cpu.eip = reset.ip;
  }
  if ((options.engine ?? "interp") === "jit") vm.engine = await createJit(vm, options);
  return vm;
}

/** Loads the JIT lazily, so interpreter-only use never imports binaryen. */
async function createJit(
  vm: Vm,
  options: Pick<VmOptions, "jitThreshold" | "jitSimd" | "jitBackgroundLoad">,
): Promise<Engine> {
  const { JitEngine } = await import("../jit/mod.ts");
  return await JitEngine.create(vm.cpu, vm.interpreter, {
    threshold: options.jitThreshold,
    vectorize: options.jitSimd,
    background: options.jitBackgroundLoad,
  });
}

/**
 * Saves a VM's complete state between runs: CPU, RAM, devices and clock.
 *
 * @param vm the VM to save
 * @returns a snapshot that `restoreVm` turns back into a running VM
 *
 * @example Snapshot a guest, then run the copy
 * ```ts
 * import assert from "node:assert/strict";
 * import { createVm, restoreVm, snapshotVm } from "./mod.ts";
 *
 * const image = await Deno.readFile(new URL("../guests/build/hello.elf", import.meta.url));
 * const vm = await createVm(image, { deterministic: true });
 * let text = "";
 * const copy = await restoreVm(snapshotVm(vm), {
 *   serialOutput: (b) => text += new TextDecoder().decode(b),
 * });
 * assert.equal((await copy.run()).kind, "shutdown");
 * assert.equal(text, "Hello from jitvisor!\n");
 * ```
 */
export function snapshotVm(vm: Vm): VmSnapshot {
  return takeSnapshot(vm);
}

/**
 * Builds a VM from a snapshot; it continues exactly where the snapshot was taken.
 *
 * @param snapshot what `snapshotVm` returned
 * @param options engine, outputs and limits for the new VM (memory, time mode and the loaded
 *   image come from the snapshot)
 * @returns the restored VM
 *
 * @example Restore and continue
 * ```ts
 * import assert from "node:assert/strict";
 * import { createVm, restoreVm, snapshotVm } from "./mod.ts";
 *
 * const image = await Deno.readFile(new URL("../guests/build/hello.elf", import.meta.url));
 * const vm = await restoreVm(snapshotVm(await createVm(image, { deterministic: true })));
 * assert.equal((await vm.run()).kind, "shutdown");
 * ```
 */
export async function restoreVm(
  snapshot: VmSnapshot,
  options: Pick<
    VmOptions,
    | "engine"
    | "jitThreshold"
    | "jitSimd"
    | "jitBackgroundLoad"
    | "serialOutput"
    | "debugOutput"
    | "maxInstructions"
    | "timeoutMs"
  > = {},
): Promise<Vm> {
  const serial = options.serialOutput ?? (() => {});
  const vm = restoreSnapshot(snapshot, {
    serialOutput: serial,
    debugOutput: options.debugOutput ?? serial,
    maxInstructions: options.maxInstructions ?? Infinity,
    timeoutMs: options.timeoutMs ?? Infinity,
  });
  if ((options.engine ?? "interp") === "jit") vm.engine = await createJit(vm, options);
  return vm;
}

export type { Cpu } from "./cpu/cpu.ts";
export type { Interpreter } from "./cpu/interp/interpreter.ts";
export type { PhysicalMemory } from "./cpu/physical_memory.ts";
export type { Engine, EngineRun } from "./vm/engine.ts";
export type {
  AccessSize,
  Clock,
  DeviceStats,
  IrqLine,
  PortDevice,
  TimedDevice,
} from "./devices/device.ts";
export type { PortBus } from "./devices/bus.ts";
export type { DualPic, DualPicState } from "./devices/dual_pic.ts";
export type { Pit8254, Pit8254State } from "./devices/pit8254.ts";
export type { CmosRtc, CmosRtcState } from "./devices/cmos_rtc.ts";
export type { Uart16550, Uart16550State } from "./devices/uart16550.ts";
export type { I8042State } from "./devices/i8042.ts";
export type { PostPortState } from "./devices/debug_ports.ts";
export type { SystemControlAState } from "./devices/port92.ts";
export type { SystemControlBState } from "./devices/port61.ts";
export type { VmConfig } from "./vm/vm.ts";
export type { PitChannelState } from "./devices/pit8254.ts";
export type { PhysicalKind } from "./cpu/physical_memory.ts";
export type { InterpretResult } from "./cpu/interp/interpreter.ts";
export type { Instr } from "./cpu/decode/instr.ts";
export type { DecodeCache } from "./cpu/decode/decode_cache.ts";
export type { Pic8259, Pic8259State } from "./devices/pic8259.ts";
export type { Mmu } from "./cpu/mmu.ts";
export type { CpuEnvironment } from "./cpu/environment.ts";
export type { RtcTime } from "./devices/cmos_rtc.ts";
export type { InitStep } from "./devices/pic8259.ts";
export type { OpInfo } from "./cpu/decode/op_info.ts";
export type { OperandSpec } from "./cpu/decode/operand.ts";
