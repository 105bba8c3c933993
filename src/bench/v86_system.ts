/**
 * v86 (the npm package `v86`, pinned in deno.json) as a bench system: it boots the multiboot
 * image directly, without a BIOS, in this process. Port 0xF4 writes end the run and the marker
 * port is timestamped, as in jitvisor. Its wasm is compiled once and instantiated per run.
 *
 * @module
 */

import { type BenchGuest, parseChecksum } from "./bench_guests.ts";
import { KernelTimer, MARKER_PORT } from "./markers.ts";
import type { RunSample, SystemId } from "./report.ts";
import { type BenchSystem, errorText, scaleCmdline } from "./systems.ts";

/** Port the bench guests write their exit status to. */
const EXIT_PORT = 0xf4;
/** Guest RAM, as jitvisor's default. */
const MEMORY_BYTES = 64 * 1024 * 1024;
/** The smallest VGA memory v86 accepts; the guests do not use it. */
const VGA_MEMORY_BYTES = 2 * 1024 * 1024;

/** The parts of v86's emulator object the bench uses. */
interface V86Emulator {
  add_listener(event: string, listener: (value: number) => void): void;
  run(): void;
  stop(): Promise<void> | void;
  destroy(): Promise<void> | void;
  v86: {
    cpu: {
      io: {
        register_write(
          port: number,
          device: unknown,
          w8: ((v: number) => void) | undefined,
          w16: ((v: number) => void) | undefined,
          w32: ((v: number) => void) | undefined,
        ): void;
      };
    };
  };
}

type V86Constructor = new (options: Record<string, unknown>) => V86Emulator;

/** v86 booting multiboot kernels without a BIOS. */
export class V86System implements BenchSystem {
  readonly id: SystemId = "v86";
  readonly label = "v86";
  readonly kernelTiming = true;
  #V86: V86Constructor | null = null;
  #wasm: WebAssembly.Module | null = null;
  readonly #images = new Map<string, Uint8Array>();

  /** Imports v86 and compiles its wasm. */
  async probe(): Promise<string | null> {
    try {
      const mod = await import("v86");
      this.#V86 = (mod as unknown as { V86: V86Constructor }).V86;
      const wasmUrl = new URL("./v86.wasm", import.meta.resolve("v86"));
      this.#wasm = await WebAssembly.compile(await Deno.readFile(wasmUrl));
      return null;
    } catch (e) {
      return `the npm package v86 cannot be loaded: ${errorText(e)}`;
    }
  }

  absentFor(): string | null {
    return null;
  }

  async run(guest: BenchGuest, scale: number | null, timeoutMs: number): Promise<RunSample> {
    let image = this.#images.get(guest.image);
    if (image === undefined) {
      image = await Deno.readFile(guest.image);
      this.#images.set(guest.image, image);
    }
    const V86 = this.#V86!;
    const wasm = this.#wasm!;
    let output = "";
    const timer = new KernelTimer();
    const done = Promise.withResolvers<{ status: number; end: number } | { error: string }>();
    const start = performance.now();
    let emulator: V86Emulator | null = null;
    const timeout = Number.isFinite(timeoutMs)
      ? setTimeout(() => done.resolve({ error: `timed out after ${timeoutMs} ms` }), timeoutMs)
      : undefined;
    try {
      emulator = new V86({
        wasm_fn: async (imports: WebAssembly.Imports) =>
          (await WebAssembly.instantiate(wasm, imports)).exports,
        memory_size: MEMORY_BYTES,
        vga_memory_size: VGA_MEMORY_BYTES,
        multiboot: { buffer: image.slice().buffer },
        cmdline: scaleCmdline(scale),
        autostart: false,
        disable_keyboard: true,
        disable_mouse: true,
        disable_speaker: true,
      });
      const emu = emulator;
      emu.add_listener("emulator-loaded", () => {
        const io = emu.v86.cpu.io;
        const exit = (v: number) => done.resolve({ status: v, end: performance.now() });
        io.register_write(EXIT_PORT, {}, exit, exit, exit);
        const mark = (v: number) => timer.mark(v);
        io.register_write(MARKER_PORT, {}, mark, mark, mark);
        emu.run();
      });
      emu.add_listener("serial0-output-byte", (b) => output += String.fromCharCode(b));
    } catch (e) {
      done.resolve({ error: errorText(e) });
    }
    const result = await done.promise;
    clearTimeout(timeout);
    try {
      await emulator?.stop();
      await emulator?.destroy();
    } catch {
      // already torn down
    }
    if ("error" in result) {
      return {
        wallMs: performance.now() - start,
        kernelMs: null,
        checksum: parseChecksum(output),
        error: result.error,
      };
    }
    const wallMs = result.end - start;
    const checksum = parseChecksum(output);
    const error = result.status !== 0
      ? `guest exited with status ${result.status}`
      : checksum === null
      ? "no checksum line in the output"
      : null;
    return { wallMs, kernelMs: timer.kernelMs(), checksum, error };
  }
}
