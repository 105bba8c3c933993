/**
 * Model-specific registers the monitor owns (SDM vol. 4): the time-stamp counter and the
 * microcode signature. The SYSENTER MSRs live in CPU state and are handled by the CPU itself;
 * any other index does not exist and makes rdmsr/wrmsr raise #GP(0).
 */

/** IA32_TIME_STAMP_COUNTER. */
export const MSR_TSC = 0x10;
/** IA32_BIOS_SIGN_ID: the loaded microcode revision (none: reads 0). */
export const MSR_BIOS_SIGN_ID = 0x8b;

/** The monitor's MSR file. */
export class MsrFile {
  #tscOffset = 0n;
  #readTsc: () => bigint;

  /** @param readTsc the raw counter the TSC MSR is an offset from */
  constructor(readTsc: () => bigint) {
    this.#readTsc = readTsc;
  }

  /** The guest-visible TSC. */
  tsc(): bigint {
    return BigInt.asUintN(64, this.#readTsc() + this.#tscOffset);
  }

  /** Reads MSR `index`, or undefined when it does not exist. */
  read(index: number): bigint | undefined {
    switch (index >>> 0) {
      case MSR_TSC:
        return this.tsc();
      case MSR_BIOS_SIGN_ID:
        return 0n;
    }
    return undefined;
  }

  /** Writes MSR `index`; false when it does not exist. */
  write(index: number, value: bigint): boolean {
    switch (index >>> 0) {
      case MSR_TSC:
        this.#tscOffset = value - this.#readTsc();
        return true;
      case MSR_BIOS_SIGN_ID:
        return true;
    }
    return false;
  }
}
