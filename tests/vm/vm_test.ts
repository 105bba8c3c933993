/** The embedding contract of a VM: exits, port handlers, hypercalls, registers and memory. */

import assert from "node:assert/strict";
import { createVm, HYPERCALL_PORT, type VmExit } from "../../src/mod.ts";
import { buildElf } from "../boot/_elf_builder.ts";

/** A multiboot kernel at 1 MiB whose code is `code`. */
function kernel(code: number[]): Uint8Array {
  return buildElf({
    entry: 0x100000,
    segments: [{ vaddr: 0x100000, data: Uint8Array.from(code) }],
  });
}

const MOV_DX_HYPERCALL = [0x66, 0xba, HYPERCALL_PORT & 0xff, HYPERCALL_PORT >> 8]; // mov dx, 0x500
const OUT_DX_EAX = [0xef]; // out dx, eax
const OUT_F4_EAX = [0xe7, 0xf4]; // out 0xf4, eax
const MOV_EAX = (v: number) => [0xb8, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
const MOV_EBX = (v: number) => [0xbb, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];

Deno.test("a registered hypercall handler's result lands in EAX", async () => {
  const vm = await createVm(
    kernel([...MOV_EAX(7), ...MOV_EBX(41), ...MOV_DX_HYPERCALL, ...OUT_DX_EAX, ...OUT_F4_EAX]),
    { deterministic: true },
  );
  const seen: number[][] = [];
  vm.onHypercall(7, (call) => {
    seen.push([call.nr, ...call.args]);
    return call.args[0] + 1;
  });
  const exit = await vm.run();
  assert.deepEqual(exit, { kind: "shutdown", reason: "exit-port", status: 42, eip: 0x100011 });
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0].slice(0, 2), [7, 41]);
});

Deno.test("an unhandled hypercall exits to the embedder, which answers through EAX", async () => {
  const vm = await createVm(
    kernel([...MOV_EAX(9), ...MOV_EBX(5), ...MOV_DX_HYPERCALL, ...OUT_DX_EAX, ...OUT_F4_EAX]),
    { deterministic: true },
  );
  const exit = await vm.run();
  assert.equal(exit.kind, "hypercall");
  assert.equal((exit as Extract<VmExit, { kind: "hypercall" }>).nr, 9);
  assert.equal((exit as Extract<VmExit, { kind: "hypercall" }>).args[0], 5);
  vm.setRegisters({ eax: 99 });
  const end = await vm.run();
  assert.equal(end.kind === "shutdown" && end.status, 99);
});

Deno.test("a port nobody owns reads as all ones and reports an io exit", async () => {
  // in al, 0xe0; movzx eax, al; out 0xf4, eax
  const vm = await createVm(kernel([0xe4, 0xe0, 0x0f, 0xb6, 0xc0, ...OUT_F4_EAX]), {
    deterministic: true,
  });
  const exit = await vm.run();
  assert.deepEqual(exit, { kind: "io", port: 0xe0, size: 1, direction: "in", value: 0xff });
  const end = await vm.run();
  assert.equal(end.kind === "shutdown" && end.status, 0xff);
});

Deno.test("a port handler owns its ports: no exit, and its value is what the guest reads", async () => {
  // in al, 0xe0; movzx eax, al; out 0xe1, al; out 0xf4, eax
  const vm = await createVm(
    kernel([0xe4, 0xe0, 0x0f, 0xb6, 0xc0, 0xe6, 0xe1, ...OUT_F4_EAX]),
    { deterministic: true },
  );
  const writes: number[] = [];
  vm.addPortHandler(0xe0, 2, { read: () => 0x5a, write: (_port, _size, v) => writes.push(v) });
  const exit = await vm.run();
  assert.equal(exit.kind === "shutdown" && exit.status, 0x5a);
  assert.deepEqual(writes, [0x5a]);
});

Deno.test("a read of unassigned physical memory reports an mmio exit", async () => {
  // mov eax, [0xfec00000]; out 0xf4, eax
  const vm = await createVm(kernel([0xa1, 0x00, 0x00, 0xc0, 0xfe, ...OUT_F4_EAX]), {
    deterministic: true,
  });
  const exit = await vm.run();
  assert.deepEqual(exit, {
    kind: "mmio",
    addr: 0xfec00000,
    size: 4,
    direction: "read",
    value: 0xffffffff,
  });
});

Deno.test("hlt with interrupts disabled ends the run with a hlt exit", async () => {
  const vm = await createVm(kernel([0xfa, 0xf4]), { deterministic: true }); // cli; hlt
  assert.deepEqual(await vm.run(), { kind: "hlt", eip: 0x100002 });
});

Deno.test("registers and memory can be read and written between runs", async () => {
  // mov eax, [0x2000]; add eax, ebx; mov [0x2004], eax; cli; hlt
  const vm = await createVm(
    kernel([0xa1, 0x00, 0x20, 0, 0, 0x01, 0xd8, 0xa3, 0x04, 0x20, 0, 0, 0xfa, 0xf4]),
    { deterministic: true },
  );
  vm.writeMemory(0x2000, Uint8Array.of(0x10, 0, 0, 0));
  vm.setRegisters({ ebx: 0x20 });
  assert.equal((await vm.run()).kind, "hlt");
  assert.deepEqual(vm.readMemory(0x2004, 4), Uint8Array.of(0x30, 0, 0, 0));
  assert.equal(vm.getRegisters().eax, 0x30);
});

Deno.test("an instruction limit ends the run with a budget exit", async () => {
  const vm = await createVm(kernel([0xeb, 0xfe]), { deterministic: true, maxInstructions: 1000 });
  assert.deepEqual(await vm.run(), { kind: "budget", reason: "instructions" });
  assert.equal(vm.stats.instructions, 1000);
});
