/** What the CPU asks of the machine around it: ports, MMIO, CPUID, MSRs, halting, time. */

/** The callout surface both engines use for operations the CPU cannot do alone. */
export interface CpuEnvironment {
  /** Reads `size` bytes from I/O port `port`. */
  portIn(port: number, size: 1 | 2 | 4): number;
  /** Writes `size` bytes of `value` to I/O port `port`. */
  portOut(port: number, size: 1 | 2 | 4, value: number): void;
  /** Reads from a physical address that is not RAM. */
  mmioRead(addr: number, size: 1 | 2 | 4): number;
  /** Writes to a physical address that is not RAM. */
  mmioWrite(addr: number, size: 1 | 2 | 4, value: number): void;
  /** CPUID for `leaf` and `subleaf`: returns [eax, ebx, ecx, edx]. */
  cpuid(leaf: number, subleaf: number): [number, number, number, number];
  /** Reads MSR `index`, or returns undefined when it does not exist (#GP). */
  readMsr(index: number): bigint | undefined;
  /** Writes MSR `index`; returns false when it does not exist or rejects the value (#GP). */
  writeMsr(index: number, value: bigint): boolean;
  /** Current time-stamp counter. */
  readTsc(): bigint;
}
