/**
 * The guests in guests/isa/ run on the interpreter must write exactly what they wrote under
 * qemu-system-i386 (recorded in guests/isa/<family>.expected). Each guest is assembled here
 * with nasm and ld into a temporary folder; without nasm the test is skipped.
 */

import assert from "node:assert/strict";
import { OPS } from "../../../src/cpu/decode/op_info.ts";
import { K_I } from "../../../src/cpu/decode/operand.ts";
import { HANDLERS, MISSING_MNEMONICS } from "../../../src/cpu/interp/dispatch.ts";
import { EAX, EDX } from "../../../src/cpu/state.ts";
import { flatCpu } from "../_harness.ts";

/** The families with a recorded guest. */
const FAMILIES = ["shift", "muldiv", "bit", "bcd", "string", "exchange"];
const GUEST_DIR = new URL("../../../guests/isa/", import.meta.url).pathname;
/** COM1 transmit register and the isa-debug-exit port of the guest ABI. */
const COM1 = 0x3f8;
const EXIT_PORT = 0xf4;
/** ELF program header type of a loadable segment. */
const PT_LOAD = 1;
/** Instructions after which a guest that has not exited counts as hung. */
const MAX_INSTRUCTIONS = 200_000_000;

function hasTool(name: string): boolean {
  try {
    return new Deno.Command(name, { args: ["-v"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

const TOOLS = hasTool("nasm") && hasTool("ld");

/** Assembles and links guests/isa/<name>.asm with the guest build's commands. */
function build(name: string, dir: string): Uint8Array {
  const run = (cmd: string, args: string[]) => {
    const out = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync();
    if (!out.success) {
      throw new Error(
        `Cannot build "${name}": ${cmd} failed: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
  };
  const obj = `${dir}/${name}.o`, elf = `${dir}/${name}.elf`;
  run("nasm", ["-f", "elf32", "-I", GUEST_DIR, "-o", obj, `${GUEST_DIR}${name}.asm`]);
  run("ld", [
    "-m",
    "elf_i386",
    "--build-id=none",
    "-nostdlib",
    "-Ttext",
    "0x100000",
    "-e",
    "_start",
    "-o",
    elf,
    obj,
  ]);
  return Deno.readFileSync(elf);
}

/** Runs an ELF32 image's PT_LOAD segments in a flat CPU; returns its COM1 bytes and exit status. */
function runElf(image: Uint8Array): { output: string; status: number } {
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const entry = v.getUint32(24, true);
  const phoff = v.getUint32(28, true);
  const phentsize = v.getUint16(42, true);
  const phnum = v.getUint16(44, true);
  const { cpu, env, interp } = flatCpu([], 8 << 20);
  for (let n = 0; n < phnum; n++) {
    const ph = phoff + n * phentsize;
    if (v.getUint32(ph, true) !== PT_LOAD) continue;
    const offset = v.getUint32(ph + 4, true);
    const paddr = v.getUint32(ph + 12, true);
    const filesz = v.getUint32(ph + 16, true);
    cpu.mem.write(paddr, image.subarray(offset, offset + filesz));
  }
  cpu.eip = entry;
  cpu.setReg32(EAX, 0x2badb002);
  const bytes: number[] = [];
  let status = -1;
  env.portOut = (port, _size, value) => {
    if (port === COM1) bytes.push(value & 0xff);
    else if (port === EXIT_PORT) {
      status = value;
      cpu.requestStop();
    }
  };
  let executed = 0;
  while (status < 0 && executed < MAX_INSTRUCTIONS) {
    const r = interp.run(100_000);
    if (r.tripleFault) throw new Error(`triple fault at EIP ${cpu.eip.toString(16)}`);
    executed += r.retired;
  }
  return { output: new TextDecoder().decode(Uint8Array.from(bytes)), status };
}

/**
 * `out` belongs to the system family; until it is registered, the tests install a minimal one
 * (port from Ib or DX, value from AL/AX/EAX) so these guests can report.
 */
if (MISSING_MNEMONICS.includes("out")) {
  for (const op of OPS) {
    if (op.mnemonic !== "out") continue;
    HANDLERS[op.id] = (cpu, i) => {
      const port = op.operands[0].kind === K_I ? i.imm & 0xff : cpu.reg16(EDX);
      const size = op.operands[1].size === 1 ? 1 : i.o32 ? 4 : 2;
      cpu.env.portOut(port, size, cpu.readReg(EAX, size));
    };
  }
}

for (const family of FAMILIES) {
  Deno.test({
    name: `guests/isa/${family}.asm prints on the interpreter what it printed on QEMU`,
    ignore: !TOOLS,
    fn() {
      const dir = Deno.makeTempDirSync({ prefix: "jitvisor-isa-" });
      try {
        const { output, status } = runElf(build(family, dir));
        const expected = Deno.readTextFileSync(`${GUEST_DIR}${family}.expected`);
        const expectedStatus = Number(Deno.readTextFileSync(`${GUEST_DIR}${family}.status`));
        if (output !== expected) {
          const a = output.split("\n"), b = expected.split("\n");
          const line = a.findIndex((l, n) => l !== b[n]);
          // Show the first differing line with its section heading for context.
          let title = line;
          while (title > 0 && /^[0-9A-F]{8} /.test(b[title])) title--;
          assert.fail(
            `first difference at line ${line + 1} (section "${b[title]}"):\n` +
              `  interpreter: ${a[line]}\n  qemu:        ${b[line]}`,
          );
        }
        assert.equal(status, expectedStatus);
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    },
  });
}

if (!TOOLS) console.warn("isa_reference_test: nasm or ld not found; the guest tests are skipped");
