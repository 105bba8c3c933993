/**
 * The cost of the VM's run-loop dispatch, measured with `deno bench`: a `vm.run()` that returns
 * at once with an I/O exit, and timer interrupts delivered through the PIC to a real-mode
 * handler. Both guests are 64 KiB firmware ROMs assembled below, entered at F000:FFF0.
 * Time is deterministic (instruction-count), so the timer rate does not depend on the host; the
 * interrupt figure includes the halts between ticks and the run loop's yields to the event loop.
 *
 * @module
 */

import { createVm, type EngineKind, type Vm } from "../src/mod.ts";

/** Size of the firmware ROMs (the smallest the loader accepts). */
const ROM_SIZE = 0x10000;
/** Port no device owns, so an `out` to it is an `io` exit. */
const EXIT_IO_PORT = 0x600;
/** Timer interrupts the handler counts between two I/O exits. */
const INTERRUPTS_PER_EXIT = 1000;

/** Where the ROMs keep the IVT's pseudo-descriptor for `lidt`. */
const IVT_DESCRIPTOR = 0xffe0;

/**
 * A 64 KiB ROM with `code` at F000:0000. The reset vector loads IDTR with the real-mode IVT
 * (base 0, limit 0x3FF) rather than relying on its power-on value, then jumps to the code.
 */
function rom(code: number[]): Uint8Array {
  const image = new Uint8Array(ROM_SIZE);
  image.set(code, 0);
  image.set([0xff, 0x03, 0x00, 0x00, 0x00, 0x00], IVT_DESCRIPTOR); // limit 0x3FF, base 0
  image.set([
    0x2e,
    0x0f,
    0x01,
    0x1e,
    IVT_DESCRIPTOR & 0xff,
    IVT_DESCRIPTOR >> 8, // FFF0 lidt cs:[0xFFE0]
    0xea,
    0x00,
    0x00,
    0x00,
    0xf0, //                                      FFF6 jmp far F000:0000
  ], 0xfff0);
  return image;
}

/** Real mode: an `out` to EXIT_IO_PORT in a loop; every `vm.run()` returns an io exit. */
const IO_LOOP = rom([
  0xba,
  EXIT_IO_PORT & 0xff,
  EXIT_IO_PORT >> 8, // 0000 mov dx, 0x600
  0xee, //                                         0003 out dx, al
  0xeb,
  0xfd, //                                   0004 jmp 0003
]);

/**
 * Real mode: PIC remapped to vector 0x20 with only IRQ0 unmasked, PIT channel 0 in mode 2 with
 * divisor 100, then `sti; hlt` forever. The handler sends EOI and, every INTERRUPTS_PER_EXIT
 * interrupts, writes EXIT_IO_PORT (an io exit).
 */
const TIMER_LOOP = rom([
  0xfa, //                                  0000 cli
  0x31,
  0xc0, //                            0001 xor ax, ax
  0x8e,
  0xd8, //                            0003 mov ds, ax
  0x8e,
  0xd0, //                            0005 mov ss, ax
  0xbc,
  0x00,
  0x70, //                      0007 mov sp, 0x7000
  0xc7,
  0x06,
  0x80,
  0x00,
  0x40,
  0x00, //    000A mov word [0x80], 0x0040 (vector 0x20 offset)
  0xc7,
  0x06,
  0x82,
  0x00,
  0x00,
  0xf0, //    0010 mov word [0x82], 0xF000 (vector 0x20 segment)
  0xc7,
  0x06,
  0x00,
  0x05,
  INTERRUPTS_PER_EXIT & 0xff,
  INTERRUPTS_PER_EXIT >> 8, // 0016 mov word [0x500], 1000
  0xb0,
  0x11,
  0xe6,
  0x20, //                001C ICW1: edge, cascade, ICW4 needed
  0xb0,
  0x20,
  0xe6,
  0x21, //                0020 ICW2: vectors 0x20-0x27
  0xb0,
  0x04,
  0xe6,
  0x21, //                0024 ICW3: slave on IRQ2
  0xb0,
  0x01,
  0xe6,
  0x21, //                0028 ICW4: 8086 mode
  0xb0,
  0xfe,
  0xe6,
  0x21, //                002C OCW1: only IRQ0 unmasked
  0xb0,
  0x34,
  0xe6,
  0x43, //                0030 PIT: channel 0, lo/hi byte, mode 2
  0xb0,
  0x64,
  0xe6,
  0x40, //                0034 divisor low byte: 100
  0xb0,
  0x00,
  0xe6,
  0x40, //                0038 divisor high byte: 0
  0xfb, //                                  003C sti
  0xf4, //                                  003D hlt
  0xeb,
  0xfd, //                            003E jmp 003D
  // handler:
  0x50, //                                  0040 push ax
  0xb0,
  0x20,
  0xe6,
  0x20, //                0041 EOI to the master PIC
  0xff,
  0x0e,
  0x00,
  0x05, //                0045 dec word [0x500]
  0x75,
  0x0c, //                            0049 jnz 0057
  0xc7,
  0x06,
  0x00,
  0x05,
  INTERRUPTS_PER_EXIT & 0xff,
  INTERRUPTS_PER_EXIT >> 8, // 004B mov word [0x500], 1000
  0x52, //                                  0051 push dx
  0xba,
  EXIT_IO_PORT & 0xff,
  EXIT_IO_PORT >> 8, // 0052 mov dx, 0x600
  0xee, //                                  0055 out dx, al
  0x5a, //                                  0056 pop dx
  0x58, //                                  0057 pop ax
  0xcf, //                                  0058 iret
]);

/** Creates a VM on a ROM, with deterministic time so the timer rate is host-independent. */
async function vmFor(image: Uint8Array, engine: EngineKind): Promise<Vm> {
  return await createVm(image, { kind: "rom", engine, deterministic: true, memory: 1 << 20 });
}

/** Runs until the next io exit at EXIT_IO_PORT; throws on anything else. */
async function runToIoExit(vm: Vm): Promise<void> {
  const exit = await vm.run();
  if (exit.kind !== "io" || exit.port !== EXIT_IO_PORT) {
    throw new Error(`expected an io exit at port 0x600, got ${JSON.stringify(exit)}`);
  }
}

for (const engine of ["interp", "jit"] as const) {
  let ioVm: Vm | null = null;
  let timerVm: Vm | null = null;
  try {
    ioVm = await vmFor(IO_LOOP, engine);
    timerVm = await vmFor(TIMER_LOOP, engine);
  } catch (e) {
    console.error(`skipping the ${engine} benches: ${(e as Error).message}`);
    continue;
  }
  const io = ioVm;
  const timer = timerVm;
  Deno.bench({
    name: `${engine}: vm.run() returning an io exit (one out instruction)`,
    group: "run() dispatch",
    baseline: engine === "interp",
    async fn() {
      await runToIoExit(io);
    },
  });
  Deno.bench({
    name: `${engine}: ${INTERRUPTS_PER_EXIT} timer interrupts (PIT, PIC, IVT handler, EOI, iret)`,
    group: "interrupts",
    baseline: engine === "interp",
    async fn() {
      await runToIoExit(timer);
    },
  });
}
