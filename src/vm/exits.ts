/** The reasons `Vm.run()` returns, as a discriminated union on `kind` (KVM's exit reasons). */

import type { Hypercall } from "../monitor/hypercall.ts";

/** The guest halted with interrupts disabled: nothing can wake it. */
export interface HltExit {
  /** Discriminant. */
  kind: "hlt";
  /** EIP after the hlt. */
  eip: number;
}

/** The guest accessed an I/O port that no device or handler owns. */
export interface IoExit {
  /** Discriminant. */
  kind: "io";
  /** Port number. */
  port: number;
  /** Access width in bytes. */
  size: 1 | 2 | 4;
  /** Direction of the access. */
  direction: "in" | "out";
  /** The value written, or the value the guest read (all ones: nothing drives the bus). */
  value: number;
}

/** The guest accessed physical memory that is neither RAM nor ROM. */
export interface MmioExit {
  /** Discriminant. */
  kind: "mmio";
  /** Physical address. */
  addr: number;
  /** Access width in bytes. */
  size: 1 | 2 | 4;
  /** Direction of the access. */
  direction: "read" | "write";
  /** The value written, or the value the guest read (all ones). */
  value: number;
}

/** The machine stopped: the guest wrote its exit status, reset the CPU, or triple-faulted. */
export interface ShutdownExit {
  /** Discriminant. */
  kind: "shutdown";
  /** What ended it. */
  reason: "exit-port" | "triple-fault" | "reset";
  /** The status written to port 0xF4 (for "exit-port"). */
  status?: number;
  /** EIP when it happened. */
  eip: number;
}

/** A hypercall no registered handler takes; set EAX before running again to answer it. */
export interface HypercallExit extends Hypercall {
  /** Discriminant. */
  kind: "hypercall";
}

/** A limit set in the options was reached; `run()` may be called again to continue. */
export interface BudgetExit {
  /** Discriminant. */
  kind: "budget";
  /** Which limit: retired instructions, host time, or `Vm.cancel()`. */
  reason: "instructions" | "time" | "cancelled";
}

/** Something went wrong in the VM itself (never caused by ordinary guest behaviour). */
export interface ErrorExit {
  /** Discriminant. */
  kind: "error";
  /** What went wrong. */
  message: string;
}

/** Why `Vm.run()` returned. */
export type VmExit =
  | HltExit
  | IoExit
  | MmioExit
  | ShutdownExit
  | HypercallExit
  | BudgetExit
  | ErrorExit;
