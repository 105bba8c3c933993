/** The interpreter's run loop and decode cache (src/cpu/interp/interpreter.ts). */

import assert from "node:assert/strict";
import { CODE_ADDR, flatCpu } from "../_harness.ts";

Deno.test("Interpreter runs an instruction that spans two pages again after its second page changed", () => {
  // 0x1000: jmp 0x1ffc; 0x1ffc: mov eax,0x11223344 (its last byte at 0x2000); 0x2001: jmp $
  const code = new Array(0x1003).fill(0x90);
  code.splice(0, 5, 0xe9, 0xf7, 0x0f, 0x00, 0x00);
  code.splice(0xffc, 7, 0xb8, 0x44, 0x33, 0x22, 0x11, 0xeb, 0xfe);
  const { cpu, interp } = flatCpu(code);
  assert.equal(interp.run(2).retired, 2);
  assert.equal(cpu.reg32(0), 0x11223344);
  for (const [byte, want] of [[0x55, 0x55223344], [0x66, 0x66223344]]) {
    cpu.mem.write(CODE_ADDR + 0x1000, Uint8Array.of(byte)); // a host write, as a device's DMA
    cpu.eip = CODE_ADDR + 0xffc;
    interp.run(1);
    assert.equal(cpu.reg32(0), want);
  }
});
