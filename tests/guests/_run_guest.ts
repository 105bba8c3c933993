/** Runs a built guest image in jitvisor and collects what it printed and how it ended. */

import { createVm, type EngineKind, type VmExit } from "../../src/mod.ts";

/** What a guest run produced. */
export interface GuestRun {
  /** Bytes written to COM1. */
  output: Uint8Array;
  /** The final exit. */
  exit: VmExit;
  /** Instructions retired. */
  instructions: number;
}

/** Upper bound on instructions for a test guest run, so a broken engine cannot hang the suite. */
export const GUEST_INSTRUCTION_LIMIT = 400_000_000;

/**
 * Runs `imagePath` with deterministic time until it shuts down, halts or hits the limit;
 * `io`, `mmio` and `hypercall` exits are passed over as the CLI does.
 */
export async function runGuest(
  imagePath: string,
  options: { engine: EngineKind; cmdline?: string; jitThreshold?: number },
): Promise<GuestRun> {
  const chunks: Uint8Array[] = [];
  const vm = await createVm(await Deno.readFile(imagePath), {
    engine: options.engine,
    deterministic: true,
    cmdline: options.cmdline ?? imagePath,
    serialOutput: (b) => chunks.push(b.slice()),
    maxInstructions: GUEST_INSTRUCTION_LIMIT,
    jitThreshold: options.jitThreshold,
  });
  let exit: VmExit;
  do {
    exit = await vm.run();
  } while (exit.kind === "io" || exit.kind === "mmio" || exit.kind === "hypercall");
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const output = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    output.set(c, at);
    at += c.length;
  }
  return { output, exit, instructions: vm.stats.instructions };
}

/** The exit status a run reports as QEMU's isa-debug-exit would carry it, or undefined. */
export function exitStatus(exit: VmExit): number | undefined {
  return exit.kind === "shutdown" && exit.reason === "exit-port" ? exit.status : undefined;
}
