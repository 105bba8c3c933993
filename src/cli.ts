/**
 * The `jitvisor` command line: `run` a guest, describe an image with `info`, or compare engines
 * with `bench`. Flags are parsed with node:util parseArgs; every failure is one line on stderr.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { describeImage, formatImageInfo } from "./boot/image_info.ts";
import { createVm, type EngineKind, type VmExit } from "./mod.ts";
import { formatRegisters } from "./vm/register_dump.ts";
import { parseDuration, parseSize } from "./cli_units.ts";

/** A failure with the exit status the CLI should return. */
export class CliError extends Error {
  /**
   * @param message one-line description
   * @param status process exit status
   */
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = "CliError";
  }
}

/** Exit status for bad input: unknown flags, unreadable or malformed images. */
export const EXIT_USAGE = 2;
/** Exit status when the guest triple-faults. */
export const EXIT_TRIPLE_FAULT = 3;
/** Exit status when a time or instruction limit ends the run. */
export const EXIT_TIMEOUT = 4;

const MAIN_HELP = `jitvisor: run x86 guests with an interpreter or a JIT to WebAssembly

Usage:
  jitvisor run <image> [options]   run a guest; COM1 is the terminal
  jitvisor info <image>            describe an image (format, entry, segments)
  jitvisor bench [names] [options] compare engines on the bench guests

Run "jitvisor <command> --help" for a command's options.`;

const RUN_HELP = `Usage: jitvisor run <image> [options]

Runs a multiboot kernel, a Linux bzImage or a firmware ROM. COM1 is the terminal (raw mode
when stdin is a TTY; press Ctrl-A then x to quit). The guest's port-0xF4 status is the exit code.

Options:
  --engine jit|interp     execution engine (default: jit)
  --memory SIZE           guest RAM, e.g. 64M, 1G (default: 64M)
  --deterministic         instruction-count time: repeatable runs
  --timeout DURATION      stop after this much host time, e.g. 30s, 500ms, 2m (exit 4)
  --max-instructions N    stop after N instructions (exit 4)
  --append "CMDLINE"      kernel command line
  --module FILE           a multiboot module (repeatable)
  --initrd FILE           a Linux initial ramdisk
  --jit-threshold N       block executions before the JIT compiles it (default 50)
  --no-simd               JIT: run every loop one iteration at a time (no SIMD lanes)
  --stats                 print instructions retired, exits by reason and time on exit
  -h, --help              show this help

Exit status: the guest's status; 2 bad input; 3 triple fault; 4 time or instruction limit.`;

const INFO_HELP = `Usage: jitvisor info <image>

Describes an image: its format, entry point, loadable segments and multiboot header flags.`;

function parse(args: string[], options: NonNullable<ParseArgsConfig["options"]>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError((e as Error).message.split("\n")[0], EXIT_USAGE);
  }
}

async function readFileOrFail(path: string, what: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : (e as Error).message;
    throw new CliError(`Cannot read ${what} "${path}": ${reason}`, EXIT_USAGE);
  }
}

/** Describes the end of a run and returns the process exit status. */
function finish(exit: VmExit, vmEip: () => string, dump: () => string): number {
  switch (exit.kind) {
    case "shutdown":
      if (exit.reason === "exit-port") return (exit.status ?? 0) & 0xff;
      if (exit.reason === "reset") return 0;
      throw new CliError(
        `guest triple-faulted (shutdown) at EIP=${vmEip()}\n${dump()}`,
        EXIT_TRIPLE_FAULT,
      );
    case "hlt":
      return 0;
    case "budget":
      throw new CliError(
        exit.reason === "time" ? "guest timed out" : "guest reached the instruction limit",
        EXIT_TIMEOUT,
      );
    case "error":
      throw new CliError(exit.message, 1);
    default:
      return 0;
  }
}

/** Forwards host input to the guest's COM1 until `stop` resolves; returns a cleanup function. */
function attachStdin(send: (bytes: Uint8Array) => void, quit: () => void): () => void {
  if (!Deno.stdin.isTerminal()) {
    const reader = Deno.stdin.readable.getReader();
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          send(value);
        }
      } catch {
        // stdin closed: nothing more to forward
      }
    })();
    return () => reader.cancel().catch(() => {});
  }
  Deno.stdin.setRaw(true);
  const reader = Deno.stdin.readable.getReader();
  let escape = false;
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const b of value) {
          if (escape) {
            escape = false;
            if (b === 0x78) return quit(); // Ctrl-A x
            send(Uint8Array.of(b));
          } else if (b === 0x01) {
            escape = true;
          } else {
            send(Uint8Array.of(b));
          }
        }
      }
    } catch {
      // stdin closed
    }
  })();
  return () => {
    reader.cancel().catch(() => {});
    try {
      Deno.stdin.setRaw(false);
    } catch {
      // not a terminal any more
    }
  };
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    engine: { type: "string", default: "jit" },
    memory: { type: "string", default: "64M" },
    deterministic: { type: "boolean", default: false },
    timeout: { type: "string" },
    "max-instructions": { type: "string" },
    append: { type: "string", default: "" },
    module: { type: "string", multiple: true, default: [] },
    initrd: { type: "string" },
    "jit-threshold": { type: "string" },
    "no-simd": { type: "boolean", default: false },
    stats: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CliError("run takes exactly one image (see jitvisor run --help)", EXIT_USAGE);
  }
  const engine = values.engine as string;
  if (engine !== "jit" && engine !== "interp") {
    throw new CliError(`--engine must be "jit" or "interp", not "${engine}"`, EXIT_USAGE);
  }
  let memory: number, timeoutMs: number;
  try {
    memory = parseSize(values.memory as string, "--memory");
    timeoutMs = values.timeout === undefined
      ? Infinity
      : parseDuration(values.timeout as string, "--timeout");
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_USAGE);
  }
  const maxInstructions = values["max-instructions"] === undefined
    ? Infinity
    : parseCount(values["max-instructions"] as string, "--max-instructions");
  const threshold = values["jit-threshold"] === undefined
    ? undefined
    : parseCount(values["jit-threshold"] as string, "--jit-threshold");
  const path = positionals[0];
  const image = await readFileOrFail(path, "image");
  const modules = [];
  for (const m of values.module as string[]) {
    modules.push({ name: m, data: await readFileOrFail(m, "module") });
  }
  const initrd = values.initrd === undefined
    ? undefined
    : await readFileOrFail(values.initrd as string, "initrd");
  const out = (bytes: Uint8Array) => {
    Deno.stdout.writeSync(bytes);
  };
  let vm;
  try {
    vm = await createVm(image, {
      name: path,
      engine: engine as EngineKind,
      memory,
      deterministic: values.deterministic as boolean,
      cmdline: commandLine(image, path, values.append as string),
      modules,
      initrd,
      serialOutput: out,
      timeoutMs,
      maxInstructions,
      jitThreshold: threshold,
      jitSimd: !values["no-simd"],
      jitBackgroundLoad: true,
    });
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError || e instanceof TypeError) {
      throw new CliError(e.message, EXIT_USAGE);
    }
    throw e;
  }
  let quit = false;
  const detach = attachStdin((b) => vm.uart.receive(b), () => {
    quit = true;
    vm.cancel();
  });
  const start = performance.now();
  let exit: VmExit;
  try {
    for (;;) {
      exit = await vm.run();
      if (quit) break;
      if (exit.kind === "io" || exit.kind === "mmio" || exit.kind === "hypercall") continue;
      break;
    }
  } finally {
    detach();
  }
  const elapsed = performance.now() - start;
  if (values.stats) printStats(vm, elapsed, engine);
  if (quit) return 0;
  return finish(exit!, () => hex(vm.cpu.eip), () => formatRegisters(vm.cpu));
}

/**
 * The kernel command line: for multiboot kernels the image path comes first, as GRUB and QEMU's
 * `-kernel` pass it; Linux gets the appended text alone.
 */
function commandLine(image: Uint8Array, path: string, append: string): string {
  let multiboot = false;
  try {
    multiboot = describeImage(image, path).format.startsWith("multiboot");
  } catch {
    // createVm reports what is wrong with the image
  }
  return multiboot ? [path, append].filter((s) => s !== "").join(" ") : append;
}

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, "0");
}

function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) {
    throw new CliError(`${flag} takes a whole number, not "${text}"`, EXIT_USAGE);
  }
  return Number(text);
}

function printStats(
  vm: Awaited<ReturnType<typeof createVm>>,
  elapsedMs: number,
  engine: string,
): void {
  const s = vm.stats;
  const mips = s.instructions / (elapsedMs * 1000);
  const lines = [
    `engine: ${engine}`,
    `instructions retired: ${s.instructions}`,
    `time: ${elapsedMs.toFixed(1)} ms (${mips.toFixed(1)} M instructions/s)`,
    `exits: ${Object.entries(s.exits).map(([k, v]) => `${k}=${v}`).join(" ") || "none"}`,
    `interrupts delivered: ${s.interrupts}`,
  ];
  const jitStats = (vm.engine as { stats?: Record<string, unknown> }).stats;
  if (jitStats) {
    for (const [k, v] of Object.entries(jitStats)) {
      lines.push(`jit ${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`);
    }
  }
  console.error(lines.join("\n"));
}

async function infoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(INFO_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError("info takes exactly one image", EXIT_USAGE);
  const image = await readFileOrFail(positionals[0], "image");
  try {
    console.log(formatImageInfo(describeImage(image, positionals[0])));
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError) {
      throw new CliError(e.message, EXIT_USAGE);
    }
    throw e;
  }
  return 0;
}

/**
 * Runs the CLI with `args` and returns the process exit status.
 * @param args command-line arguments after the program name
 * @returns exit status
 */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest);
      case "info":
        return await infoCommand(rest);
      case "bench": {
        const { benchCommand } = await import("./bench/bench_command.ts");
        return await benchCommand(rest);
      }
      case undefined:
      case "-h":
      case "--help":
      case "help":
        console.log(MAIN_HELP);
        return command === undefined ? EXIT_USAGE : 0;
      default:
        throw new CliError(
          `Unknown command "${command}" (expected run, info or bench)`,
          EXIT_USAGE,
        );
    }
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`error: ${e.message}`);
      return e.status;
    }
    console.error(`error: internal error: ${(e as Error)?.message ?? e}`);
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
