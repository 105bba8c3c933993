/**
 * The systems a bench guest runs under: jitvisor's JIT and interpreter (in this process),
 * the guest's native build and QEMU (child processes). v86 lives in `v86_system.ts`.
 *
 * @module
 */

import { createVm, type EngineKind, type VmExit } from "../mod.ts";
import { type BenchGuest, parseChecksum } from "./bench_guests.ts";

export type { EngineKind } from "../mod.ts";
import { KernelTimer, MARKER_PORT, parseNativeKernelMs } from "./markers.ts";
import type { RunSample, SystemId } from "./report.ts";

/** Something that runs bench guests and times them. */
export interface BenchSystem {
  /** Which system. */
  readonly id: SystemId;
  /** Column heading. */
  readonly label: string;
  /** Whether it timestamps the kernel markers. */
  readonly kernelTiming: boolean;
  /**
   * Checks that the system can run at all.
   * @returns why it cannot, or `null` when it can
   */
  probe(guests: readonly BenchGuest[]): Promise<string | null>;
  /**
   * Why it cannot run this guest, or `null` when it can.
   */
  absentFor(guest: BenchGuest): string | null;
  /**
   * Runs the guest once.
   * @returns the sample; failures are in `error`, never thrown
   */
  run(guest: BenchGuest, scale: number | null, timeoutMs: number): Promise<RunSample>;
}

/**
 * The guest command line for a scale.
 * @param scale the scale, or `null` for the guest's default
 * @returns `scale=N`, or `""`
 */
export function scaleCmdline(scale: number | null): string {
  return scale === null ? "" : `scale=${scale}`;
}

/**
 * The message of anything thrown, on one line.
 * @param e what was thrown
 * @returns its first line
 */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0];
}

/** A failed sample. */
function failed(wallMs: number, error: string, output = ""): RunSample {
  return { wallMs, kernelMs: null, checksum: parseChecksum(output), error };
}

/** Why an exit is not a clean `exit(0)`, or `null` when it is. */
function exitProblem(exit: VmExit): string | null {
  if (exit.kind === "shutdown" && exit.reason === "exit-port") {
    return (exit.status ?? 0) === 0 ? null : `guest exited with status ${exit.status}`;
  }
  if (exit.kind === "shutdown") {
    return `guest ${exit.reason === "triple-fault" ? "triple-faulted" : "reset"} at EIP=0x${
      (exit.eip >>> 0).toString(16)
    }`;
  }
  if (exit.kind === "budget") return `stopped by the ${exit.reason} limit`;
  if (exit.kind === "error") return exit.message;
  if (exit.kind === "hlt") {
    return `guest halted with interrupts off at EIP=0x${exit.eip.toString(16)}`;
  }
  return `unexpected ${exit.kind} exit`;
}

/** jitvisor with one engine, in this process: createVm, then run() until the guest stops. */
export class JitvisorSystem implements BenchSystem {
  readonly id: SystemId;
  readonly label: string;
  readonly kernelTiming = true;
  readonly #images = new Map<string, Uint8Array>();

  /** The engine this system runs. */
  readonly engine: EngineKind;

  /**
   * Runs guests with one engine.
   * @param engine the engine to use
   */
  constructor(engine: EngineKind) {
    this.engine = engine;
    this.id = engine;
    this.label = `jitvisor ${engine}`;
  }

  async #image(guest: BenchGuest): Promise<Uint8Array> {
    let image = this.#images.get(guest.image);
    if (image === undefined) {
      image = await Deno.readFile(guest.image);
      this.#images.set(guest.image, image);
    }
    return image;
  }

  /** Creating a VM with this engine must work (it loads the JIT once, outside the timings). */
  async probe(guests: readonly BenchGuest[]): Promise<string | null> {
    if (guests.length === 0) return null;
    try {
      await createVm(await this.#image(guests[0]), { engine: this.engine, name: guests[0].name });
      return null;
    } catch (e) {
      return `createVm with engine "${this.engine}" failed: ${errorText(e)}`;
    }
  }

  absentFor(): string | null {
    return null;
  }

  async run(guest: BenchGuest, scale: number | null, timeoutMs: number): Promise<RunSample> {
    const image = await this.#image(guest);
    const chunks: Uint8Array[] = [];
    const timer = new KernelTimer();
    const start = performance.now();
    let exit: VmExit;
    try {
      const vm = await createVm(image, {
        engine: this.engine,
        name: guest.name,
        cmdline: scaleCmdline(scale),
        serialOutput: (bytes) => chunks.push(bytes.slice()),
        timeoutMs,
      });
      vm.addPortHandler(MARKER_PORT, 1, { write: (_port, _size, value) => timer.mark(value) });
      do exit = await vm.run(); while (
        exit.kind === "io" || exit.kind === "mmio" || exit.kind === "hypercall"
      );
    } catch (e) {
      return failed(performance.now() - start, errorText(e));
    }
    const wallMs = performance.now() - start;
    const output = new TextDecoder().decode(concat(chunks));
    const problem = exitProblem(exit);
    if (problem !== null) return failed(wallMs, problem, output);
    const checksum = parseChecksum(output);
    if (checksum === null) return failed(wallMs, "no checksum line in the output", output);
    return { wallMs, kernelMs: timer.kernelMs(), checksum, error: null };
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Runs a child process and times it from spawn to exit. */
async function timeProcess(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<
  { wallMs: number; code: number; stdout: string; stderr: string } | {
    error: string;
    wallMs: number;
  }
> {
  const start = performance.now();
  try {
    const out = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: Number.isFinite(timeoutMs) ? AbortSignal.timeout(timeoutMs) : undefined,
    }).output();
    const wallMs = performance.now() - start;
    if (out.signal !== null) {
      return {
        wallMs,
        error: `killed by ${out.signal}${out.signal === "SIGTERM" ? " (timeout?)" : ""}`,
      };
    }
    const decoder = new TextDecoder();
    return {
      wallMs,
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } catch (e) {
    return { wallMs: performance.now() - start, error: errorText(e) };
  }
}

/** Whether this process may spawn programs. */
async function mayRun(): Promise<boolean> {
  return (await Deno.permissions.query({ name: "run" })).state === "granted";
}

/**
 * The guest's native x86-64 build, run as a process with `scale=N` as its argument; its kernel
 * time is what it prints to stderr at the end marker (`parseNativeKernelMs`).
 */
export class NativeSystem implements BenchSystem {
  readonly id: SystemId = "native";
  readonly label = "native";
  readonly kernelTiming = true;

  async probe(): Promise<string | null> {
    if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
      return `native builds are x86-64 Linux programs; this host is ${Deno.build.arch}-${Deno.build.os}`;
    }
    return await mayRun() ? null : "needs --allow-run";
  }

  absentFor(guest: BenchGuest): string | null {
    return guest.native === null
      ? `no native build of ${guest.name} (run "deno task guests")`
      : null;
  }

  async run(guest: BenchGuest, scale: number | null, timeoutMs: number): Promise<RunSample> {
    const args = scale === null ? [] : [scaleCmdline(scale)];
    const r = await timeProcess(guest.native!, args, timeoutMs);
    if ("error" in r) return failed(r.wallMs, r.error);
    if (r.code !== 0) return failed(r.wallMs, `exited with status ${r.code}`, r.stdout);
    const checksum = parseChecksum(r.stdout);
    if (checksum === null) return failed(r.wallMs, "no checksum line in the output", r.stdout);
    return { wallMs: r.wallMs, kernelMs: parseNativeKernelMs(r.stderr), checksum, error: null };
  }
}

/** The QEMU binary the bench uses. */
export const QEMU_BINARY = "qemu-system-i386";

/**
 * QEMU's arguments for a bench run: TCG, `-kernel`, COM1 on stdout, isa-debug-exit at 0xF4.
 * @param image path of the multiboot image
 * @param scale the guest's scale, or `null` for its default
 * @returns the arguments after the program name
 */
export function qemuArgs(image: string, scale: number | null): string[] {
  const args = [
    "-accel",
    "tcg",
    "-m",
    "64",
    "-kernel",
    image,
    "-display",
    "none",
    "-nodefaults",
    "-no-reboot",
    "-serial",
    "stdio",
    "-device",
    "isa-debug-exit,iobase=0xf4,iosize=0x04",
  ];
  if (scale !== null) args.push("-append", scaleCmdline(scale));
  return args;
}

/** `qemu-system-i386` (TCG) as a process; exit(V) makes QEMU exit with (V << 1) | 1. */
export class QemuSystem implements BenchSystem {
  readonly id: SystemId = "qemu";
  readonly label = "qemu tcg";
  readonly kernelTiming = false;

  async probe(): Promise<string | null> {
    if (!await mayRun()) return "needs --allow-run";
    const r = await timeProcess(QEMU_BINARY, ["--version"], 10_000);
    if ("error" in r) {
      return r.error.includes("No such file") || r.error.includes("not found")
        ? `${QEMU_BINARY} is not installed (apt-get install qemu-system-x86)`
        : `${QEMU_BINARY} --version failed: ${r.error}`;
    }
    return r.code === 0 ? null : `${QEMU_BINARY} --version exited with status ${r.code}`;
  }

  absentFor(): string | null {
    return null;
  }

  async run(guest: BenchGuest, scale: number | null, timeoutMs: number): Promise<RunSample> {
    const r = await timeProcess(QEMU_BINARY, qemuArgs(guest.image, scale), timeoutMs);
    if ("error" in r) return failed(r.wallMs, r.error);
    if (r.code !== 1) {
      const why = r.code % 2 === 1
        ? `guest exited with status ${(r.code - 1) >> 1}`
        : `qemu exited with status ${r.code}${
          r.stderr ? `: ${r.stderr.trim().split("\n")[0]}` : ""
        }`;
      return failed(r.wallMs, why, r.stdout);
    }
    const checksum = parseChecksum(r.stdout);
    if (checksum === null) return failed(r.wallMs, "no checksum line in the output", r.stdout);
    return { wallMs: r.wallMs, kernelMs: null, checksum, error: null };
  }
}
