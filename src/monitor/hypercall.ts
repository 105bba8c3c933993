/**
 * The hypercall convention: a guest places the call number in EAX and up to four arguments in
 * EBX, ECX, EDX and ESI, then writes any value to port 0x0500 with a 32-bit `out`. The handler
 * the embedder registered for that number runs, and its result replaces EAX. A number nobody
 * handles ends `run()` with a `hypercall` exit; EAX is left for the embedder to set.
 */

/** The port a guest writes to make a hypercall. */
export const HYPERCALL_PORT = 0x0500;

/** A hypercall as the guest made it. */
export interface Hypercall {
  /** Call number (EAX). */
  nr: number;
  /** Arguments (EBX, ECX, EDX, ESI), as unsigned 32-bit values. */
  args: [number, number, number, number];
}

/** Handles one hypercall and returns the value for EAX. */
export type HypercallHandler = (call: Hypercall) => number;
