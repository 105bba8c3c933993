/** A readable dump of CPU registers, for crash reports such as a triple fault. */

import type { Cpu } from "../cpu/cpu.ts";

const NAMES = ["EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"];
const SEGS = ["ES", "CS", "SS", "DS", "FS", "GS"];

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, "0");
}

/**
 * Formats general, segment and control registers as a few aligned lines.
 * @param cpu the CPU to describe
 * @returns the dump, without a trailing newline
 */
export function formatRegisters(cpu: Cpu): string {
  const gp = NAMES.map((n, r) => `${n}=${hex(cpu.reg32(r))}`);
  const segs = SEGS.map((n, s) => `${n}=${cpu.segSelector(s).toString(16).padStart(4, "0")}`);
  const i32 = cpu.i32;
  return [
    gp.slice(0, 4).join(" "),
    gp.slice(4).join(" "),
    `EIP=${hex(cpu.eip)} EFLAGS=${hex(cpu.getFlags())} CPL=${cpu.cpl}`,
    segs.join(" "),
    `CR0=${hex(cpu.cr0)} CR2=${hex(i32[212 >> 2])} CR3=${hex(i32[216 >> 2])} CR4=${
      hex(i32[220 >> 2])
    }`,
  ].join("\n");
}
