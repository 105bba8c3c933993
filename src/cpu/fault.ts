/**
 * A guest exception raised while executing an instruction. It unwinds to the engine's step loop,
 * which rolls EIP back to the faulting instruction and delivers the exception to the guest; it is
 * never a host error (no stack trace is captured, so raising one is cheap).
 */

/** Divide error. */
export const DE = 0;
/** Debug exception. */
export const DB = 1;
/** Non-maskable interrupt. */
export const NMI = 2;
/** Breakpoint (int3). */
export const BP = 3;
/** Overflow (into). */
export const OFV = 4;
/** Bound range exceeded. */
export const BR = 5;
/** Invalid opcode. */
export const UD = 6;
/** Device not available. */
export const NM = 7;
/** Double fault. */
export const DF = 8;
/** Invalid TSS. */
export const TS = 10;
/** Segment not present. */
export const NP = 11;
/** Stack-segment fault. */
export const SS_FAULT = 12;
/** General protection. */
export const GP = 13;
/** Page fault. */
export const PF = 14;
/** x87 floating-point error. */
export const MF = 16;
/** Alignment check. */
export const AC_FAULT = 17;

/** Vectors whose exceptions push an error code (SDM vol. 3 §6.13). */
export function hasErrorCode(vector: number): boolean {
  return vector === DF || (vector >= TS && vector <= PF) || vector === AC_FAULT;
}

/** A guest exception in flight: vector and, where the vector has one, its error code. */
export class CpuFault {
  /**
   * @param vector exception vector (0–31)
   * @param errorCode error code pushed by the exception, or -1 when the vector has none
   */
  constructor(readonly vector: number, readonly errorCode: number = -1) {}
}

/** Raises a guest exception: throws a CpuFault that the step loop turns into delivery. */
export function raise(vector: number, errorCode = -1): never {
  throw new CpuFault(vector, hasErrorCode(vector) && errorCode < 0 ? 0 : errorCode);
}
