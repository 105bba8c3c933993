import assert from "node:assert/strict";
import { JitEngine } from "../../jit/mod.ts";
import { flatCpu, realCpu } from "../cpu/_harness.ts";
import { assertEnginesAgree } from "./_agree.ts";

/** A register loop: 01 d8 add eax,ebx; 49 dec ecx; 75 fb jnz -5; eb fe jmp $. */
const LOOP = [0x01, 0xd8, 0x49, 0x75, 0xfb, 0xeb, 0xfe];

Deno.test("JitEngine.run() retires exactly its budget inside a compiled loop", async () => {
  const { cpu, interp } = flatCpu(LOOP);
  cpu.setReg32(1, 1_000_000);
  cpu.setReg32(3, 3);
  const jit = await JitEngine.create(cpu, interp, { threshold: 0 });
  for (const budget of [1, 2, 3, 1000, 1001, 77_777]) {
    assert.equal(jit.run(budget).retired, budget);
  }
  const stats = jit.stats;
  assert.ok(stats.blocksCompiled <= 3, "one block per distinct entry the budget left EIP at");
  assert.ok(stats.jittedInstructions > 70_000);
  assert.deepEqual(stats.callouts, {});
});

Deno.test("JitEngine interprets cold code until the threshold, then compiles it", async () => {
  const { cpu, interp } = flatCpu(LOOP);
  cpu.setReg32(1, 1_000_000);
  const jit = await JitEngine.create(cpu, interp, { threshold: 10 });
  jit.run(30); // 10 iterations of three instructions, all interpreted
  assert.equal(jit.stats.blocksCompiled, 0);
  assert.equal(jit.stats.interpretedInstructions, 30);
  jit.run(300);
  assert.equal(jit.stats.blocksCompiled, 1);
  assert.ok(jit.stats.jittedInstructions > 0);
});

Deno.test("JitEngine.invalidateAll() drops compiled blocks, which are compiled again", async () => {
  const { cpu, interp } = flatCpu(LOOP);
  cpu.setReg32(1, 1_000_000);
  const jit = await JitEngine.create(cpu, interp, { threshold: 0 });
  jit.run(99);
  const compiled = jit.stats.blocksCompiled;
  jit.invalidateAll();
  assert.equal(jit.stats.invalidations, compiled);
  jit.run(99);
  assert.equal(jit.stats.blocksCompiled, 2 * compiled);
});

Deno.test("JitEngine.run() returns to the run loop where the interpreter does (port output)", async () => {
  // b0 41: mov al,0x41; e6 e9: out 0xe9,al; 40: inc eax; eb f9: jmp -7
  const code = [0xb0, 0x41, 0xe6, 0xe9, 0x40, 0xeb, 0xf9];
  const ref = flatCpu(code);
  const mine = flatCpu(code);
  const jit = await JitEngine.create(mine.cpu, mine.interp, { threshold: 0 });
  const refReturns: number[] = [];
  const jitReturns: number[] = [];
  for (let total = 0; total < 300;) {
    refReturns.push(ref.interp.run(300 - total).retired);
    total += refReturns[refReturns.length - 1];
  }
  for (let total = 0; total < 300;) {
    jitReturns.push(jit.run(300 - total).retired);
    total += jitReturns[jitReturns.length - 1];
  }
  assert.deepEqual(jitReturns, refReturns);
  assert.equal(mine.env.outs.length, 75); // four instructions per iteration
  assert.deepEqual(mine.env.outs, ref.env.outs);
  assert.ok((jit.stats.callouts["out"] ?? 0) > 0);
});

Deno.test("JitEngine and the interpreter agree on 16-bit real-mode code (all callouts)", async () => {
  // b9 64 00: mov cx,100; L: 01 c8: add ax,cx; a3 00 05: mov [0x500],ax; 50: push ax; 5b: pop bx
  // 46: inc si; e6 80: out 0x80,al; e2 f4: loop L; eb fe: jmp $
  const code = [
    0xb9,
    0x64,
    0x00,
    0x01,
    0xc8,
    0xa3,
    0x00,
    0x05,
    0x50,
    0x5b,
    0x46,
    0xe6,
    0x80,
    0xe2,
    0xf4,
    0xeb,
    0xfe,
  ];
  const ref = realCpu(code);
  const mine = realCpu(code);
  const jit = await JitEngine.create(mine.cpu, mine.interp, { threshold: 0 });
  for (let total = 0; total < 900;) total += ref.interp.run(900 - total).retired;
  for (let total = 0; total < 900;) total += jit.run(900 - total).retired;
  for (let r = 0; r < 8; r++) assert.equal(mine.cpu.reg32(r), ref.cpu.reg32(r));
  assert.equal(mine.cpu.eip, ref.cpu.eip);
  assert.equal(mine.cpu.getFlags(), ref.cpu.getFlags());
  assert.deepEqual(mine.env.outs, ref.env.outs);
  assert.deepEqual(mine.cpu.mem.read(0x500, 2), ref.cpu.mem.read(0x500, 2));
  assert.ok(jit.stats.jittedInstructions > 0);
});

Deno.test("JitEngine agrees with the interpreter at CPL 3 through the user TLB checks", async () => {
  // Same memory loop shape in ring 3 is covered by the agreement helper with a CPL change.
  await assertEnginesAgree({
    steps: 2000,
    setup: (cpu) => {
      cpu.cpl = 3;
    },
    ranges: [[0x4000, 0x40]],
    // L: 89 04 8d 00 40 00 00: mov [ecx*4+0x4000],eax; 40: inc eax; 83 e1 0f: and ecx,15
    // 41: inc ecx; eb f1: jmp L
    code: [0x89, 0x04, 0x8d, 0x00, 0x40, 0x00, 0x00, 0x40, 0x83, 0xe1, 0x0f, 0x41, 0xeb, 0xf1],
  }, { threshold: 0 });
});

Deno.test("JitEngine adds a segment base that was 0 when its block was compiled and is not now", async () => {
  // a1 00 00 02 00: mov eax,[0x20000]; 3e 03 05 04 00 02 00: add eax,[ds:0x20004]; eb f2: jmp -14
  const code = [0xa1, 0x00, 0x00, 0x02, 0x00, 0x3e, 0x03, 0x05, 0x04, 0x00, 0x02, 0x00, 0xeb, 0xf2];
  const { cpu, interp } = flatCpu(code);
  cpu.mem.write(0x20000, Uint8Array.of(1, 0, 0, 0, 2, 0, 0, 0));
  cpu.mem.write(0x30000, Uint8Array.of(10, 0, 0, 0, 20, 0, 0, 0));
  const jit = await JitEngine.create(cpu, interp, { threshold: 0 });
  jit.run(30);
  assert.equal(cpu.reg32(0), 3);
  const ds = 3;
  cpu.setSegmentCache(ds, cpu.segSelector(ds), 0x10000, cpu.segLimit(ds), cpu.segAttrs(ds));
  jit.run(30);
  assert.equal(cpu.reg32(0), 30, "the loads now read DS base 0x10000 + 0x20000");
});

Deno.test("JitEngine in the background interprets until binaryen is ready, then compiles", async () => {
  const { cpu, interp } = flatCpu(LOOP);
  cpu.setReg32(1, 1_000_000);
  const jit = await JitEngine.create(cpu, interp, { threshold: 0, background: true });
  const first = jit.run(3000);
  assert.equal(first.retired, 3000);
  await jit.ready;
  jit.run(3000);
  const stats = jit.stats;
  assert.ok(stats.blocksCompiled >= 1, "compiled once binaryen was ready");
  assert.equal(stats.interpretedInstructions + stats.jittedInstructions, 6000);
  assert.ok(stats.jittedInstructions > 2000);
});

Deno.test("JitEngine leaves a block for the interpreter at an access its fast path cannot do (MMIO)", async () => {
  // 8b 35 00 00 00 f0: mov esi,[0xf0000000] (past RAM: MMIO); 01 f3: add ebx,esi; 40: inc eax;
  // eb f5: jmp -11
  const code = [0x8b, 0x35, 0x00, 0x00, 0x00, 0xf0, 0x01, 0xf3, 0x40, 0xeb, 0xf5];
  const { cpu, env, interp } = flatCpu(code);
  let reads = 0;
  env.mmioRead = () => ++reads;
  const jit = await JitEngine.create(cpu, interp, { threshold: 0 });
  assert.equal(jit.run(400).retired, 400);
  assert.equal(reads, 100, "one device read per mov");
  assert.equal(cpu.reg32(3), (100 * 101) / 2, "each read's value was added");
  assert.equal(cpu.reg32(0), 100);
  assert.ok(jit.stats.jittedInstructions > 200, "the rest of the loop ran compiled");
});
