/**
 * CPUID as jitvisor's CPU answers it (SDM vol. 2, CPUID): leaf 0 names the vendor and the highest
 * leaf, leaf 1 gives a family-6 signature and exactly the features that are implemented.
 */

/** Vendor string reported by leaf 0 (12 bytes, EBX-EDX-ECX order). */
export const CPU_VENDOR = "GenuineIntel";
/** Leaf 1 EAX: family 6, model 1 (a Pentium Pro class i686), stepping 9. */
export const CPU_SIGNATURE = 0x0000_0619;
/** Leaf 1 EDX bit: debugging extensions (CR4.DE). */
export const FEATURE_DE = 1 << 2;
/** Leaf 1 EDX bit: 4 MiB pages (CR4.PSE). */
export const FEATURE_PSE = 1 << 3;
/** Leaf 1 EDX bit: time-stamp counter. */
export const FEATURE_TSC = 1 << 4;
/** Leaf 1 EDX bit: rdmsr/wrmsr. */
export const FEATURE_MSR = 1 << 5;
/** Leaf 1 EDX bit: cmpxchg8b. */
export const FEATURE_CX8 = 1 << 8;
/** Leaf 1 EDX bit: sysenter/sysexit. */
export const FEATURE_SEP = 1 << 11;
/** Leaf 1 EDX bit: global pages (CR4.PGE). */
export const FEATURE_PGE = 1 << 13;
/** Leaf 1 EDX bit: cmovcc. */
export const FEATURE_CMOV = 1 << 15;
/** Every leaf-1 EDX feature this CPU implements. */
export const FEATURES_EDX = FEATURE_DE | FEATURE_PSE | FEATURE_TSC | FEATURE_MSR | FEATURE_CX8 |
  FEATURE_SEP | FEATURE_PGE | FEATURE_CMOV;

function vendorWord(offset: number): number {
  let v = 0;
  for (let n = 0; n < 4; n++) v |= CPU_VENDOR.charCodeAt(offset + n) << (8 * n);
  return v | 0;
}

/**
 * Answers CPUID for `leaf` (EAX) and `subleaf` (ECX).
 * @returns [EAX, EBX, ECX, EDX]
 */
export function cpuidLeaf(leaf: number, _subleaf: number): [number, number, number, number] {
  switch (leaf >>> 0) {
    case 0:
      return [1, vendorWord(0), vendorWord(8), vendorWord(4)];
    case 1:
      return [CPU_SIGNATURE, 0, 0, FEATURES_EDX];
    default:
      // Leaves above the maximum answer as the highest basic leaf does (SDM: CPUID).
      return [CPU_SIGNATURE, 0, 0, FEATURES_EDX];
  }
}
