import assert from "node:assert/strict";
import { type Cpu, CR0_PG, CR0_WP } from "../../src/cpu/cpu.ts";
import {
  OFF_CR0,
  OFF_CR3,
  OFF_CR4,
  OFF_GDTR_BASE,
  OFF_GDTR_LIMIT,
  OFF_IDTR_BASE,
  OFF_IDTR_LIMIT,
} from "../../src/cpu/state.ts";
import { CR4_PSE } from "../../src/cpu/mmu.ts";
import { assertEnginesAgree, fillRandom, hex, type Scenario } from "./_agree.ts";

/** Both thresholds the brief asks for: compile on first sight, and the default. */
const MODES = [{ threshold: 0 }, { threshold: 50 }, { threshold: 3, batch: 4 }];

/** Runs a scenario under every JIT mode; returns the CPUs the JIT ran. */
async function agree(name: string, s: Scenario, minJitted = 100): Promise<Cpu[]> {
  const cpus: Cpu[] = [];
  for (const options of MODES) {
    const { stats, cpu } = await assertEnginesAgree(s, options);
    assert.ok(
      stats.jittedInstructions >= minJitted,
      `${name}: only ${stats.jittedInstructions} instructions ran compiled`,
    );
    cpus.push(cpu);
  }
  return cpus;
}

Deno.test("JIT and interpreter agree on an ALU loop (add, xor, lea, shifts, setcc, adc, jcc)", async () => {
  await agree("alu", {
    steps: 9000,
    chunk: 777,
    code: [
      0xB9,
      0xC8,
      0x00,
      0x00,
      0x00, // mov ecx,0xc8
      0xB8,
      0x01,
      0x00,
      0x00,
      0x00, // mov eax,0x1
      0x31,
      0xDB, // xor ebx,ebx
      0xBA,
      0x78,
      0x56,
      0x34,
      0x12, // mov edx,0x12345678
      0x01,
      0xD8, // L: add eax,ebx
      0x81,
      0xF3,
      0x5A,
      0x5A,
      0x00,
      0x00, // xor ebx,0x5a5a
      0x8D,
      0x5C,
      0x43,
      0x03, // lea ebx,[ebx+eax*2+0x3]
      0x29,
      0xC2, // sub edx,eax
      0x39,
      0xD0, // cmp eax,edx
      0x0F,
      0x9C,
      0xC3, // setl bl
      0xC1,
      0xE0,
      0x03, // shl eax,byte 0x3
      0xD1,
      0xFA, // sar edx,1
      0xC1,
      0xEB,
      0x02, // shr ebx,byte 0x2
      0x46, // inc esi
      0x0F,
      0xB6,
      0xFB, // movzx edi,bl
      0x0F,
      0xBF,
      0xFA, // movsx edi,dx
      0x81,
      0xE7,
      0xFF,
      0x00,
      0xFF,
      0x00, // and edi,0xff00ff
      0x09,
      0xF7, // or edi,esi
      0xF7,
      0xDE, // neg esi
      0xF7,
      0xD6, // not esi
      0xA9,
      0x00,
      0x01,
      0x00,
      0x00, // test eax,0x100
      0x74,
      0x07, // jz skip
      0x66,
      0x05,
      0xFF,
      0x7F, // add ax,0x7fff
      0x80,
      0xD2,
      0x03, // adc dl,0x3
      0x83,
      0xF9,
      0x64, // skip: cmp ecx,byte +0x64
      0x76,
      0x01, // jna below
      0x4E, // dec esi
      0x49, // below: dec ecx
      0x75,
      0xBB, // jnz L
      0x89,
      0xC5, // mov ebp,eax
      0xEB,
      0xFE, // spin: jmp spin
    ],
  });
});

Deno.test("JIT and interpreter agree on a memory loop (loads, stores, RMW, push/pop, xchg, loop)", async () => {
  await agree("memory", {
    steps: 7000,
    chunk: 1234,
    setup: (cpu) => fillRandom(cpu, 0x4000, 0x1000, 7),
    ranges: [[0x4000, 0x1000], [0x6000, 0x1400], [0x7f00, 0x100]],
    code: [
      0xB9,
      0x2C,
      0x01,
      0x00,
      0x00, // mov ecx,0x12c
      0xBE,
      0x00,
      0x40,
      0x00,
      0x00, // mov esi,0x4000
      0xBF,
      0x00,
      0x60,
      0x00,
      0x00, // mov edi,0x6000
      0x8B,
      0x06, // L: mov eax,[esi]
      0x01,
      0xC8, // add eax,ecx
      0x89,
      0x07, // mov [edi],eax
      0x66,
      0x8B,
      0x5E,
      0x02, // mov bx,[esi+0x2]
      0x66,
      0x89,
      0x9F,
      0x00,
      0x04,
      0x00,
      0x00, // mov [edi+0x400],bx
      0x0F,
      0xB6,
      0x56,
      0x01, // movzx edx,byte [esi+0x1]
      0x0F,
      0xBF,
      0x6E,
      0x03, // movsx ebp,word [esi+0x3]
      0x01,
      0x97,
      0x00,
      0x08,
      0x00,
      0x00, // add [edi+0x800],edx
      0xFF,
      0x87,
      0x00,
      0x0C,
      0x00,
      0x00, // inc dword [edi+0xc00]
      0x28,
      0x97,
      0x01,
      0x0C,
      0x00,
      0x00, // sub [edi+0xc01],dl
      0x50, // push eax
      0xFF,
      0x36, // push dword [esi]
      0x5B, // pop ebx
      0x5A, // pop edx
      0x88,
      0x8F,
      0x00,
      0x10,
      0x00,
      0x00, // mov [edi+0x1000],cl
      0x87,
      0x46,
      0x08, // xchg eax,[esi+0x8]
      0x39,
      0x46,
      0x0C, // cmp [esi+0xc],eax
      0x13,
      0x6E,
      0x05, // adc ebp,[esi+0x5]
      0x83,
      0xC6,
      0x04, // add esi,byte +0x4
      0x83,
      0xC7,
      0x04, // add edi,byte +0x4
      0xE2,
      0xB9, // loop L
      0xEB,
      0xFE, // spin: jmp spin
    ],
  });
});

Deno.test("JIT and interpreter agree on calls and returns (recursion, call reg, ret imm16)", async () => {
  await agree("calls", {
    steps: 20000,
    chunk: 999,
    ranges: [[0x7000, 0x1100]],
    code: [
      0xBB,
      0x00,
      0x00,
      0x00,
      0x00, // mov ebx,0x0
      0xB8,
      0x0C,
      0x00,
      0x00,
      0x00, // again: mov eax,0xc
      0xE8,
      0x12,
      0x00,
      0x00,
      0x00, // call fib
      0x01,
      0xC3, // add ebx,eax
      0x6A,
      0x05, // push byte +0x5
      0xE8,
      0x23,
      0x00,
      0x00,
      0x00, // call f
      0xB9,
      0x3B,
      0x10,
      0x00,
      0x00, // mov ecx,f
      0xFF,
      0xD1, // call ecx
      0xEB,
      0xE4, // jmp again
      0x83,
      0xF8,
      0x02, // fib: cmp eax,byte +0x2
      0x72,
      0x14, // jc .done
      0x50, // push eax
      0x48, // dec eax
      0xE8,
      0xF4,
      0xFF,
      0xFF,
      0xFF, // call fib
      0x5A, // pop edx
      0x50, // push eax
      0x8D,
      0x42,
      0xFE, // lea eax,[edx-0x2]
      0xE8,
      0xEA,
      0xFF,
      0xFF,
      0xFF, // call fib
      0x5A, // pop edx
      0x01,
      0xD0, // add eax,edx
      0xC3, // .done: ret
      0x8B,
      0x44,
      0x24,
      0x04, // f: mov eax,[esp+0x4]
      0x01,
      0xC3, // add ebx,eax
      0xC2,
      0x04,
      0x00, // ret 0x4
    ],
  });
});

/** Fault handlers at 0x3000: #DE skips a 2-byte instruction, #PF pops the code and does too. */
const HANDLERS = [
  0x83,
  0x04,
  0x24,
  0x02, // de: add dword [esp],byte +0x2
  0xFF,
  0x05,
  0x00,
  0x50,
  0x00,
  0x00, // inc dword [0x5000]
  0xCF, // iretd
  0x83,
  0xC4,
  0x04, // pf: add esp,byte +0x4
  0x83,
  0x04,
  0x24,
  0x02, // add dword [esp],byte +0x2
  0xFF,
  0x05,
  0x04,
  0x50,
  0x00,
  0x00, // inc dword [0x5004]
  0xCF, // iretd
];

/** A GDT (flat code 0x08, flat data 0x10) and an IDT sending #PF to 0x300B, the rest to 0x3000. */
function installTables(cpu: Cpu): void {
  const gdt = new DataView(new ArrayBuffer(24));
  gdt.setUint32(8, 0x0000ffff, true);
  gdt.setUint32(12, 0x00cf9a00, true);
  gdt.setUint32(16, 0x0000ffff, true);
  gdt.setUint32(20, 0x00cf9200, true);
  cpu.mem.write(0x800, new Uint8Array(gdt.buffer));
  const idt = new DataView(new ArrayBuffer(32 * 8));
  for (let v = 0; v < 32; v++) {
    const target = v === 14 ? 0x300b : 0x3000;
    idt.setUint32(v * 8, (0x08 << 16) | (target & 0xffff), true);
    idt.setUint32(v * 8 + 4, (target & 0xffff0000) | 0x8e00, true);
  }
  cpu.mem.write(0x900, new Uint8Array(idt.buffer));
  cpu.i32[OFF_GDTR_BASE >> 2] = 0x800;
  cpu.i32[OFF_GDTR_LIMIT >> 2] = 23;
  cpu.i32[OFF_IDTR_BASE >> 2] = 0x900;
  cpu.i32[OFF_IDTR_LIMIT >> 2] = 32 * 8 - 1;
  cpu.mem.write(0x3000, Uint8Array.from(HANDLERS));
}

/**
 * Identity paging of the first 4 MiB with page 0x200 not present and page 0x202 read-only,
 * CR0.WP set so supervisor writes to it fault.
 */
function installPaging(cpu: Cpu): void {
  const pd = 0x10000, pt = 0x11000;
  cpu.mem.writeU32(pd, pt | 7);
  for (let p = 0; p < 1024; p++) {
    const flags = p === 0x200 ? 0 : p === 0x202 ? 5 : 7;
    cpu.mem.writeU32(pt + p * 4, (p << 12) | flags);
  }
  cpu.i32[OFF_CR3 >> 2] = pd;
  cpu.i32[OFF_CR0 >> 2] |= CR0_PG | CR0_WP;
  cpu.mmu.flushAll();
}

Deno.test("JIT and interpreter agree when #PF hits mid-block (reads and writes, pending flags)", async () => {
  const cpus = await agree("pf", {
    steps: 1500,
    chunk: 100,
    setup: (cpu) => {
      installTables(cpu);
      installPaging(cpu);
      fillRandom(cpu, 0x4000, 0x100, 3);
    },
    ranges: [[0x5000, 8], [0x7f00, 0x100], [0x1ff000, 0x5000], [0x11000 + 0x200 * 4, 16]],
    code: [
      0xB9,
      0x28,
      0x00,
      0x00,
      0x00, // mov ecx,0x28
      0xBB,
      0x00,
      0xF0,
      0x1F,
      0x00, // mov ebx,0x1ff000
      0x8B,
      0x34,
      0x8D,
      0x00,
      0x40,
      0x00,
      0x00, // L: mov esi,[ecx*4+0x4000]
      0x01,
      0xF7, // add edi,esi
      0x81,
      0xC3,
      0x00,
      0x08,
      0x00,
      0x00, // add ebx,0x800
      0x8B,
      0x03, // mov eax,[ebx]        (#PF on page 0x200)
      0x42, // inc edx
      0x89,
      0x13, // mov [ebx],edx        (#PF on pages 0x200 and 0x202)
      0x83,
      0xE9,
      0x01, // sub ecx,byte +0x1
      0x75,
      0xE7, // jnz L
      0xEB,
      0xFE, // spin: jmp spin
    ],
  });
  for (const cpu of cpus) assert.ok(cpu.mem.readU32(0x5004) >= 4, "page faults were delivered");
});

Deno.test("JIT and interpreter agree when #DE hits mid-block (div by zero inside a loop)", async () => {
  const cpus = await agree("de", {
    steps: 1500,
    chunk: 64,
    setup: installTables,
    ranges: [[0x5000, 8], [0x7f00, 0x100]],
    code: [
      0xB9,
      0x3C,
      0x00,
      0x00,
      0x00, // mov ecx,0x3c
      0x89,
      0xC8, // L: mov eax,ecx
      0x31,
      0xD2, // xor edx,edx
      0x89,
      0xCB, // mov ebx,ecx
      0x83,
      0xE3,
      0x03, // and ebx,byte +0x3
      0x01,
      0xC6, // add esi,eax
      0xF7,
      0xF3, // div ebx              (#DE when ecx % 4 == 0)
      0x01,
      0xC7, // add edi,eax
      0x39,
      0xF7, // cmp edi,esi
      0xE2,
      0xED, // loop L
      0xEB,
      0xFE, // spin: jmp spin
    ],
  });
  for (const cpu of cpus) assert.ok(cpu.mem.readU32(0x5000) >= 10, "divide errors were delivered");
});

Deno.test("JIT and interpreter agree on self-modifying code, code written then run, and jumps into an instruction", async () => {
  const { stats } = await assertEnginesAgree({
    steps: 3000,
    chunk: 500,
    ranges: [[0x1000, 0x50], [0x2000, 8], [0x7f00, 0x100]],
    code: [
      0xB9,
      0x19,
      0x00,
      0x00,
      0x00, // mov ecx,0x19
      0xB8,
      0x07,
      0x00,
      0x00,
      0x00, // L: mov eax,0x7     (its immediate is patched below)
      0x01,
      0xC2, // add edx,eax
      0xFF,
      0x05,
      0x06,
      0x10,
      0x00,
      0x00, // inc dword [L+1]
      0xBF,
      0x00,
      0x20,
      0x00,
      0x00, // mov edi,0x2000
      0xC7,
      0x07,
      0x40,
      0x40,
      0x40,
      0xC3, // mov dword [edi],0xc3404040  (inc eax x3; ret)
      0xF6,
      0xC1,
      0x01, // test cl,0x1
      0x74,
      0x04, // jz skip
      0xC6,
      0x47,
      0x01,
      0x48, // mov byte [edi+0x1],0x48            (dec eax)
      0xFF,
      0xD7, // skip: call edi
      0x01,
      0xC6, // add esi,eax
      0x49, // dec ecx
      0x75,
      0xD8, // jnz L
      0xB9,
      0x1E,
      0x00,
      0x00,
      0x00, // mov ecx,0x1e
      0xE8,
      0x0A,
      0x00,
      0x00,
      0x00, // M: call X
      0xE8,
      0x06,
      0x00,
      0x00,
      0x00, // call X+1            (inc eax; nop; nop; ret)
      0x49, // dec ecx
      0x75,
      0xF3, // jnz M
      0xEB,
      0xFE, // spin: jmp spin
      0xB8,
      0x40,
      0x90,
      0x90,
      0xC3, // X: mov eax,0xc3909040
      0xC3, // ret
    ],
  }, { threshold: 0 });
  assert.ok(stats.invalidations > 0, "code writes invalidated blocks");
  for (const options of MODES.slice(1)) {
    await assertEnginesAgree({
      steps: 3000,
      chunk: 500,
      code: [
        0xB9,
        0x19,
        0x00,
        0x00,
        0x00,
        0xB8,
        0x07,
        0x00,
        0x00,
        0x00,
        0x01,
        0xC2,
        0xFF,
        0x05,
        0x06,
        0x10,
        0x00,
        0x00,
        0xBF,
        0x00,
        0x20,
        0x00,
        0x00,
        0xC7,
        0x07,
        0x40,
        0x40,
        0x40,
        0xC3,
        0xF6,
        0xC1,
        0x01,
        0x74,
        0x04,
        0xC6,
        0x47,
        0x01,
        0x48,
        0xFF,
        0xD7,
        0x01,
        0xC6,
        0x49,
        0x75,
        0xD8,
        0xB9,
        0x1E,
        0x00,
        0x00,
        0x00,
        0xE8,
        0x0A,
        0x00,
        0x00,
        0x00,
        0xE8,
        0x06,
        0x00,
        0x00,
        0x00,
        0x49,
        0x75,
        0xF3,
        0xEB,
        0xFE,
        0xB8,
        0x40,
        0x90,
        0x90,
        0xC3,
        0xC3,
      ],
    }, options);
  }
});

Deno.test("JIT and interpreter agree on imul2/imul3 flags and movs/stos/lods in both directions", async () => {
  await agree("muldiv-string", {
    steps: 6000,
    chunk: 555,
    setup: (cpu) => fillRandom(cpu, 0x4000, 0x1000, 11),
    ranges: [[0x4000, 0x1000], [0x6000, 0x1400], [0x7f00, 0x100]],
    code: [
      0xB9,
      0x2C,
      0x01,
      0x00,
      0x00, // mov ecx,0x12c
      0xBE,
      0x00,
      0x40,
      0x00,
      0x00, // mov esi,0x4000
      0xBF,
      0x00,
      0x60,
      0x00,
      0x00, // mov edi,0x6000
      0xB8,
      0x45,
      0x23,
      0x01,
      0x00, // mov eax,0x12345
      0xBB,
      0x07,
      0x00,
      0x00,
      0x00, // mov ebx,0x7
      0x0F,
      0xAF,
      0xC3, // imul eax,ebx
      0x0F,
      0x90,
      0xC2, // seto dl
      0x69,
      0xD8,
      0x01,
      0x10,
      0x00,
      0x00, // imul ebx,eax,dword 0x1001
      0x0F,
      0x92,
      0xC6, // setc dh
      0x6B,
      0x16,
      0xFD, // imul edx,[esi],byte -0x3
      0x11,
      0xD0, // adc eax,edx
      0x0F,
      0xAF,
      0x46,
      0x04, // imul eax,[esi+0x4]
      0x71,
      0x01, // jno 0x34
      0x43, // inc ebx
      0xA4, // movsb
      0xA5, // movsd
      0xAD, // lodsd
      0xAA, // stosb
      0x01,
      0xD8, // add eax,ebx
      0x9C, // pushf
      0x5A, // pop edx
      0x81,
      0xE2,
      0xD5,
      0x08,
      0x00,
      0x00, // and edx,0x8d5
      0x31,
      0xD0, // xor eax,edx
      0xF7,
      0xC1,
      0x10,
      0x00,
      0x00,
      0x00, // test ecx,0x10
      0x74,
      0x05, // jz 0x51
      0xFD, // std
      0xA5, // movsd
      0xAB, // stosd
      0xAC, // lodsb
      0xFC, // cld
      0x49, // dec ecx
      0x75,
      0xC5, // jnz 0x19
      0xF4, // hlt
    ],
  });
});

Deno.test("JIT and interpreter agree on invlpg after remapping the page a loop reads", async () => {
  const cpus = await agree("invlpg", {
    steps: 3000,
    chunk: 250,
    setup: (cpu) => {
      installPaging(cpu);
      cpu.mem.writeU32(0x300000, 0x1111);
      cpu.mem.writeU32(0x301000, 0x2222);
      cpu.setReg32(2, 0);
    },
    ranges: [[0x11800, 4]],
    code: hex(
      "b9 c8 00 00 00" + // 0: mov ecx,200
        " 89 c8 83 e0 01 c1 e0 0c" + // 5: L: mov eax,ecx; and eax,1; shl eax,12
        " 05 07 00 30 00 a3 00 18 01 00" + // 13: add eax,0x300007; mov [pte of 0x200000],eax
        " 0f 01 3d 00 00 20 00" + // 23: invlpg [0x200000]
        " 03 15 00 00 20 00 49 75 de" + // 30: add edx,[0x200000]; dec ecx; jnz L
        " eb fe", // 39: spin
    ),
  });
  // Without the flush, every read after the first would see the first frame.
  for (const cpu of cpus) assert.equal(cpu.reg32(2), 100 * 0x1111 + 100 * 0x2222);
});

Deno.test("JIT and interpreter agree on accessed and dirty bits, 4 MiB pages and CR3 reloads", async () => {
  const cpus = await agree("accessed-dirty", {
    steps: 4000,
    chunk: 200,
    setup: (cpu) => {
      const pd = 0x10000, pt = 0x11000;
      cpu.mem.writeU32(pd, pt | 3); // supervisor, accessed bit clear
      cpu.mem.writeU32(pd + 4, 0x83); // 4 MiB page: linear 0x400000 at physical 0
      for (let p = 0; p < 1024; p++) {
        cpu.mem.writeU32(pt + p * 4, (p << 12) | (p === 0x1f0 ? 1 : 3));
      }
      cpu.i32[OFF_CR3 >> 2] = pd;
      cpu.i32[OFF_CR4 >> 2] |= CR4_PSE;
      cpu.i32[OFF_CR0 >> 2] |= CR0_PG; // WP clear: page 0x1f0 is writable by the supervisor
      cpu.mmu.flushAll();
    },
    ranges: [[0x10000, 8], [0x11400, 0x100], [0x11000 + 0x1f0 * 4, 4], [0x100000, 0x41000], [
      0x200000,
      0x41000,
    ], [0x1f0000, 16]],
    code: hex(
      "bf 03 00 00 00" + // mov edi,3
        " b9 40 00 00 00" + // outer: mov ecx,64
        " 83 24 8d fc 13 01 00 9f 49 75 f5" + // clr: and dword [ecx*4+0x113fc],~0x60; dec ecx; jnz clr
        " 83 25 00 00 01 00 9f 83 25 04 00 01 00 9f" + // clear A/D of both directory entries
        " 0f 20 d8 0f 22 d8" + // mov eax,cr3; mov cr3,eax
        " b9 40 00 00 00" + // mov ecx,64
        " 89 c8 c1 e0 0c 03 90 08 f0 0f 00" + // inner: eax = ecx << 12; add edx,[eax+0xff008]
        " f6 c1 01 74 06 89 88 04 f0 0f 00" + // odd ecx: mov [eax+0xff004],ecx
        " 03 90 00 00 60 00" + // even: add edx,[eax+0x600000] (the 4 MiB page)
        " f6 c1 07 75 0c 89 90 10 00 60 00 89 0d 08 00 1f 00" + // every 8th: two more writes
        " 49 75 d0 4f 75 a4" + // skip: dec ecx; jnz inner; dec edi; jnz outer
        " eb fe", // spin
    ),
  });
  for (const cpu of cpus) {
    const pte = (page: number) => cpu.mem.readU32(0x11000 + page * 4);
    assert.equal(pte(0x100) & 0x60, 0x60, "a page written through the table is dirty");
    assert.equal(pte(0x101) & 0x60, 0x20, "a page only read is accessed, not dirty");
    assert.equal(cpu.mem.readU32(0x10004) & 0x60, 0x60, "the 4 MiB page is dirty");
    assert.equal(pte(0x1f0) & 0x60, 0x60, "the read-only page written with CR0.WP clear is dirty");
  }
});

Deno.test("JIT and interpreter agree on read-modify-writes that cross a page end", async () => {
  const { stats } = await assertEnginesAgree({
    steps: 400,
    chunk: 37,
    ranges: [[0x2ff0, 0x20]],
    code: [
      ...[0xb9, 0x32, 0x00, 0x00, 0x00], // mov ecx,50
      ...[0xbb, 0xfe, 0x2f, 0x00, 0x00], // mov ebx,0x2ffe
      ...[0x01, 0x0b], // L: add [ebx],ecx         (bytes 0x2ffe..0x3001)
      ...[0x66, 0xff, 0x43, 0x01], // inc word [ebx+1] (0x2fff..0x3000)
      ...[0xd1, 0x63, 0xfc], // shl dword [ebx-4],1   (within the page)
      0x49, // dec ecx
      ...[0x75, 0xf4], // jnz L
      ...[0xeb, 0xfe], // spin: jmp spin
    ],
  }, { threshold: 0 });
  assert.deepEqual(stats.callouts, {}, "every access stays inline, crossing ones on the slow path");
});

/** Guest code laid out from CODE_ADDR (0x1000): each part at its address, zeros between. */
function layout(parts: [number, number[]][]): number[] {
  const code: number[] = [];
  for (const [addr, bytes] of parts) {
    for (let k = 0; k < bytes.length; k++) code[addr - 0x1000 + k] = bytes[k];
  }
  return Array.from(code, (b) => b ?? 0);
}

/** A loop whose `imul` straddles 0x2000 (bytes 0x1ffc..0x2001): blocks on two pages. */
const STRADDLING_LOOP: [number, number[]][] = [
  [0x1000, hex("b9 2c 01 00 00 e9 ea 0f 00 00")], // mov ecx,300; jmp 0x1ff4
  [0x1ff4, hex("01 c8 81 c2 78 56 34 12")], // L: add eax,ecx; add edx,0x12345678
  [0x1ffc, hex("69 d8 44 33 22 11")], // imul ebx,eax,0x11223344
];

Deno.test("JIT and interpreter agree on a loop across a page end, with an instruction on both pages", async () => {
  const cpus = await agree("straddle", {
    steps: 2500,
    chunk: 200,
    code: layout([
      ...STRADDLING_LOOP,
      [0x2002, hex("31 de 49 75 ed eb fe")], // xor esi,ebx; dec ecx; jnz L; spin
    ]),
  });
  for (const cpu of cpus) assert.equal(cpu.eip, 0x2007, "the loop ran to its end");
});

Deno.test("JIT and interpreter agree when a loop rewrites the part of an instruction on the next page", async () => {
  await agree("straddle-smc", {
    steps: 2500,
    chunk: 300,
    ranges: [[0x1ff0, 0x20]],
    code: layout([
      ...STRADDLING_LOOP,
      // inc byte [0x2000] (the imul immediate's third byte); xor esi,ebx; dec ecx; jnz L; spin
      [0x2002, hex("fe 05 00 20 00 00 31 de 49 75 e7 eb fe")],
    ]),
  }, 0);
});

Deno.test("JIT and interpreter agree when a store runs from a data page into a page of compiled code", async () => {
  const cpus = await agree("store-into-code", {
    steps: 3000,
    chunk: 250,
    ranges: [[0x3ff0, 0x20]],
    code: layout([
      [0x1000, hex("31 d2 31 c0 b9 c8 00 00 00")], // xor edx,edx; xor eax,eax; mov ecx,200
      // L: mov [0x3ff0],ecx (the data page is then mapped for writes); call 0x4000
      [0x1009, hex("89 0d f0 3f 00 00 e8 ec 2f 00 00")],
      [0x1014, hex("81 f9 64 00 00 00 75 0a")], // cmp ecx,100; jne next
      // mov dword [0x3ffe],0x90409090: bytes 0x4000..0x4001 become inc eax; nop
      [0x101c, hex("c7 05 fe 3f 00 00 90 90 40 90")],
      [0x1026, hex("49 75 e0 eb fe")], // next: dec ecx; jnz L; spin
      [0x4000, hex("42 42 c3")], // inc edx; inc edx; ret
    ]),
  }, 0);
  for (const cpu of cpus) {
    assert.equal(cpu.reg32(2), 2 * 101, "edx: two incs per call up to the rewrite");
    assert.equal(cpu.reg32(0), 99, "eax: one inc per call after it");
  }
});

Deno.test("JIT and interpreter agree when the page an instruction runs into is remapped", async () => {
  // Page 0x2000 alternates between frames 0x300000 and 0x301000, which differ only in the
  // imul immediate's last byte; the rest of the loop is the same code in both.
  const page2 = hex(
    "11" + // 0x2001: last byte of the imul immediate (0x22 in the second frame)
      " 89 c8 83 e0 01 c1 e0 0c" + // 0x2002: mov eax,ecx; and eax,1; shl eax,12
      " 05 07 00 30 00 a3 08 10 01 00" + // 0x200a: add eax,0x300007; mov [pte of 0x2000],eax
      " 0f 01 3d 00 20 00 00" + // 0x2014: invlpg [0x2000]
      " 31 de 49 75 d4 eb fe", // 0x201b: xor esi,ebx; dec ecx; jnz L; spin
  );
  const cpus = await agree("straddle-remap", {
    steps: 4000,
    chunk: 450,
    setup: (cpu) => {
      installPaging(cpu);
      cpu.mem.write(0x300000, Uint8Array.from([0x22, ...page2]));
      cpu.mem.write(0x301000, Uint8Array.from([0x22, 0x22, ...page2.slice(1)]));
      cpu.mem.writeU32(0x11008, 0x300007);
      cpu.mmu.flushAll();
    },
    code: layout(STRADDLING_LOOP),
  });
  for (const cpu of cpus) assert.equal(cpu.eip, 0x2020, "the loop ran to its end");
});

Deno.test("JIT and interpreter agree when the page of a loop's second block is remapped between entries", async () => {
  // The inner loop I spans pages 0x1000 and 0x2000; the outer loop maps page 0x2000 to frame
  // 0x300000 (add esi,1) or 0x301000 (add esi,2) before each inner run. Budgets re-enter the
  // inner loop's function at I, whose edge into page 0x2000 must notice the other frame.
  const page2 = (n: number) =>
    Uint8Array.from(hex(
      `83 c6 0${n} 4a 75 ef` + // 0x2000: add esi,n; dec edx; jnz I
        " 89 c8 83 e0 01 c1 e0 0c 05 07 00 30 00" + // mov eax,ecx; and eax,1; shl eax,12; add eax,0x300007
        " a3 08 10 01 00 0f 01 3d 00 20 00 00" + // mov [pte of 0x2000],eax; invlpg [0x2000]
        " 49 0f 85 ca ff ff ff eb fe", // dec ecx; jnz O; spin
    ));
  const cpus = await agree("remap-member", {
    steps: 7000,
    chunk: 37,
    setup: (cpu) => {
      installPaging(cpu);
      cpu.mem.write(0x300000, page2(1));
      cpu.mem.write(0x301000, page2(2));
      cpu.mem.writeU32(0x11008, 0x300007);
      cpu.mmu.flushAll();
    },
    code: layout([
      [0x1000, hex("b9 28 00 00 00 e9 e6 0f 00 00")], // mov ecx,40; jmp O
      [0x1ff0, hex("ba 0a 00 00 00")], // O: mov edx,10
      [0x1ff5, hex("47 90 90 90 90 90 90 90 90 90 90")], // I: inc edi; nops to the page end
    ]),
  });
  for (const cpu of cpus) assert.equal(cpu.eip, 0x2026, "the loops ran to their end");
});

Deno.test("JIT and interpreter agree on conditions a block reads from the flags it was entered with", async () => {
  const setAdd = (cc: number, n: number) => [0x0f, 0x90 | cc, 0xc3, 0x8d, n & 1 ? 0x3c : 0x34, n];
  // Each `jz +0` ends a block; the setcc after it read the compare's record from the state.
  const body = hex(
    "69 c0 6d 4e c6 41 01 c8 89 c2 c1 ca 0b bb 00 00 00 00", // imul eax,..; add eax,ecx; edx = ror
  ).concat(
    hex("39 d0 74 00"), // cmp eax,edx; jz +0
    setAdd(2, 0x1e), // setb bl; lea esi,[esi+ebx]
    setAdd(0xe, 0x1f), // setle bl; lea edi,[edi+ebx]
    setAdd(0, 0x5e), // seto bl; lea esi,[esi+ebx*2]
    setAdd(8, 0x5f), // sets bl; lea edi,[edi+ebx*2]
    setAdd(6, 0x9e), // setbe bl; lea esi,[esi+ebx*4]
    setAdd(0xf, 0x9f), // setg bl; lea edi,[edi+ebx*4]
    hex("38 d0 74 00"), // cmp al,dl; jz +0
    setAdd(2, 0x1e), // setb
    setAdd(0xc, 0x1f), // setl
    setAdd(0, 0x5e), // seto
    setAdd(6, 0x5f), // setbe
    hex("85 d0 74 00"), // test eax,edx; jz +0
    setAdd(8, 0x1e), // sets
    setAdd(0xe, 0x1f), // setle
    setAdd(4, 0x5e), // setz
  );
  const back = -(body.length + 1 + 6);
  const code = hex("b9 2c 01 00 00 b8 01 00 00 00").concat( // mov ecx,300; mov eax,1
    body,
    [0x49, 0x0f, 0x85, back & 0xff, (back >> 8) & 0xff, 0xff, 0xff], // dec ecx; jnz L
    [0xeb, 0xfe],
  );
  const cpus = await agree("flags-in", { steps: 300 * 40, chunk: 777, code });
  for (const cpu of cpus) assert.ok(cpu.reg32(6) > 0 && cpu.reg32(7) > 0);
});
