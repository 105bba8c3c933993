import assert from "node:assert/strict";
import { RX_BUFFER_SIZE, Uart16550 } from "../../src/devices/uart16550.ts";
import { FakeClock, RecordingIrq } from "./_fakes.ts";

const [RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR] = [0, 1, 2, 3, 4, 5, 6, 7];
const FCR = IIR;
const THR = RBR;
/** MCR value a PC driver uses: DTR, RTS, OUT2 (IRQ enable). */
const MCR_PC = 0x0b;

function setup() {
  const clock = new FakeClock();
  const irq = new RecordingIrq();
  const out: number[] = [];
  const deps = { irq, clock, output: (b: Uint8Array) => out.push(...b) };
  return { clock, irq, out, deps, uart: new Uart16550(deps) };
}

const bytes = (...b: number[]) => Uint8Array.from(b);

Deno.test("Uart16550 transmits THR writes at once and keeps THRE and TEMT set", () => {
  const { out, uart } = setup();
  assert.equal(uart.read(LSR, 1), 0x60);
  for (const c of "ok") uart.write(THR, 1, c.charCodeAt(0));
  assert.deepEqual(out, [0x6f, 0x6b]);
  assert.equal(uart.read(LSR, 1), 0x60);
});

Deno.test("Uart16550 routes offsets 0 and 1 to the divisor latch while DLAB is set", () => {
  const { out, uart } = setup();
  uart.write(LCR, 1, 0x83); // DLAB, 8N1
  uart.write(0, 1, 0x01); // DLL: 115200 baud
  uart.write(1, 1, 0x00); // DLM
  assert.deepEqual([uart.read(0, 1), uart.read(1, 1)], [0x01, 0x00]);
  uart.write(LCR, 1, 0x03);
  assert.equal(uart.read(IER, 1), 0, "IER untouched by divisor writes");
  assert.deepEqual(out, [], "divisor writes transmit nothing");
});

Deno.test("Uart16550 raises THRE when ETBEI is enabled and IIR read clears it", () => {
  const { irq, uart } = setup();
  uart.write(MCR, 1, MCR_PC);
  uart.write(IER, 1, 0x02);
  assert.equal(irq.level, true);
  assert.equal(uart.read(IIR, 1), 0x02);
  assert.equal(irq.level, false);
  assert.equal(uart.read(IIR, 1), 0x01, "no interrupt pending");
  uart.write(THR, 1, 0x41); // THR empties again at once
  assert.equal(irq.level, true);
  assert.equal(uart.read(IIR, 1), 0x02);
});

Deno.test("Uart16550 asserts its IRQ only while MCR.OUT2 is set", () => {
  const { irq, uart } = setup();
  uart.write(IER, 1, 0x01);
  uart.receive(bytes(0x61));
  assert.equal(irq.level, false);
  assert.equal(uart.read(IIR, 1), 0x04, "the condition is still pending in IIR");
  uart.write(MCR, 1, 0x08);
  assert.equal(irq.level, true);
  uart.write(MCR, 1, 0x00);
  assert.equal(irq.level, false);
});

Deno.test("Uart16550 signals received data through LSR.DR and the RDA interrupt", () => {
  const { irq, uart } = setup();
  uart.write(MCR, 1, MCR_PC);
  uart.write(IER, 1, 0x01);
  assert.equal(uart.receive(bytes(0x31, 0x32)), 2);
  assert.equal(uart.read(LSR, 1) & 0x01, 0x01);
  assert.equal(uart.read(IIR, 1), 0x04);
  assert.equal(irq.level, true);
  assert.equal(uart.read(RBR, 1), 0x31);
  assert.equal(uart.read(RBR, 1), 0x32);
  assert.equal(uart.read(LSR, 1) & 0x01, 0);
  assert.equal(irq.level, false);
});

Deno.test("Uart16550 waits for the FIFO trigger level before raising RDA", () => {
  const cases: Array<[number, number]> = [[0x01, 1], [0x41, 4], [0x81, 8], [0xc1, 14]];
  for (const [fcr, level] of cases) {
    const { uart } = setup();
    uart.write(FCR, 1, fcr);
    uart.write(IER, 1, 0x01);
    uart.receive(new Uint8Array(level - 1));
    assert.equal(uart.read(IIR, 1), 0xc1, `below trigger ${level}`);
    uart.receive(bytes(0));
    assert.equal(uart.read(IIR, 1), 0xc4, `at trigger ${level}`);
  }
});

Deno.test("Uart16550 raises a character timeout for data below the trigger level", () => {
  const { clock, irq, uart } = setup();
  uart.write(LCR, 1, 0x80);
  uart.write(0, 1, 1); // 115200 baud: one character ~86.8 us
  uart.write(LCR, 1, 0x03);
  uart.write(FCR, 1, 0x81); // trigger 8
  uart.write(MCR, 1, MCR_PC);
  uart.write(IER, 1, 0x01);
  uart.receive(bytes(1, 2, 3));
  assert.equal(irq.level, false);
  const due = uart.nextDeadline();
  assert.ok(due > 340_000 && due < 350_000, `${due}`);
  clock.t = due;
  uart.poll(due);
  assert.equal(irq.level, true);
  assert.equal(uart.read(IIR, 1), 0xcc);
  uart.read(RBR, 1); // reading restarts the timeout
  assert.equal(uart.read(IIR, 1), 0xc1);
  assert.equal(irq.level, false);
});

Deno.test("Uart16550 reports overrun in loopback and orders IIR by priority", () => {
  const { out, uart } = setup();
  uart.write(MCR, 1, 0x18); // loopback, OUT2
  uart.write(IER, 1, 0x07);
  uart.write(THR, 1, 0x11);
  uart.write(THR, 1, 0x22); // the 1-byte holding register is full: overrun
  assert.deepEqual(out, [], "loopback transmits nothing");
  assert.equal(uart.read(IIR, 1), 0x06, "line status first");
  assert.equal(uart.read(LSR, 1), 0x63, "DR, OE, THRE, TEMT");
  assert.equal(uart.read(LSR, 1), 0x61, "reading LSR clears OE");
  assert.equal(uart.read(IIR, 1), 0x04, "then received data");
  assert.equal(uart.read(RBR, 1), 0x11);
  assert.equal(uart.read(IIR, 1), 0x02, "then THR empty");
  assert.equal(uart.read(IIR, 1), 0x01);
});

Deno.test("Uart16550 loopback feeds MCR outputs back into MSR with delta bits", () => {
  const { uart } = setup();
  assert.equal(uart.read(MSR, 1), 0xb0, "host side: DCD, DSR, CTS");
  uart.write(MCR, 1, 0x10); // loopback, all outputs off
  uart.read(MSR, 1);
  uart.write(MCR, 1, 0x1f);
  assert.equal(uart.read(MSR, 1), 0xf0 | 0x0b, "CTS, DSR, RI, DCD and deltas (no TERI)");
  assert.equal(uart.read(MSR, 1), 0xf0, "reading clears the deltas");
  uart.write(MCR, 1, 0x1b); // RI (OUT1) falls
  assert.equal(uart.read(MSR, 1) & 0x04, 0x04, "trailing edge of RI");
});

Deno.test("Uart16550 raises the modem status interrupt on a delta when EDSSI is set", () => {
  const { irq, uart } = setup();
  uart.write(MCR, 1, 0x18);
  uart.write(IER, 1, 0x08);
  uart.write(MCR, 1, 0x1a); // RTS -> CTS changes
  assert.equal(uart.read(IIR, 1), 0x00);
  assert.equal(irq.level, true);
  uart.read(MSR, 1);
  assert.equal(uart.read(IIR, 1), 0x01);
});

Deno.test("Uart16550.receive() accepts only what fits in its bounded buffer", () => {
  const { uart } = setup();
  assert.equal(uart.receive(new Uint8Array(RX_BUFFER_SIZE + 100)), RX_BUFFER_SIZE);
  assert.equal(uart.receive(bytes(1)), 0);
  uart.read(RBR, 1);
  assert.equal(uart.receive(bytes(1, 2)), 1);
});

Deno.test("Uart16550 FCR clears the receive FIFO", () => {
  const { uart } = setup();
  uart.write(FCR, 1, 0x01);
  uart.receive(bytes(1, 2, 3));
  uart.write(FCR, 1, 0x03);
  assert.equal(uart.read(LSR, 1) & 0x01, 0);
});

Deno.test("Uart16550 keeps the scratch register and counts unsupported widths", () => {
  const { uart } = setup();
  uart.write(SCR, 1, 0x5a);
  assert.equal(uart.read(SCR, 1), 0x5a);
  uart.read(0, 2);
  uart.write(8, 1, 0);
  assert.deepEqual(uart.stats, { missedReads: 1, missedWrites: 1 });
});

Deno.test("Uart16550 continues identically after a snapshot round trip", () => {
  const a = setup();
  a.uart.write(FCR, 1, 0x41);
  a.uart.write(MCR, 1, MCR_PC);
  a.uart.write(IER, 1, 0x03);
  a.uart.write(SCR, 1, 0x99);
  a.uart.receive(bytes(10, 20, 30, 40, 50));
  a.uart.read(RBR, 1);
  a.clock.t = 5000;
  const b = setup();
  b.clock.t = a.clock.t;
  const uart = Uart16550.fromState(JSON.parse(JSON.stringify(a.uart.saveState())), b.deps);
  assert.equal(b.irq.level, a.irq.level);
  const trace = (u: Uart16550, clock: FakeClock) => {
    const r = [u.read(IIR, 1), u.read(IIR, 1), u.nextDeadline()];
    for (let i = 0; i < 4; i++) r.push(u.read(RBR, 1), u.read(LSR, 1));
    u.write(THR, 1, 0x7e);
    clock.t += 1e9;
    u.poll(clock.t);
    r.push(u.read(IIR, 1), u.read(SCR, 1));
    return r;
  };
  assert.deepEqual(trace(uart, b.clock), trace(a.uart, a.clock));
  assert.deepEqual(b.out, [0x7e]);
  assert.deepEqual(uart.saveState(), a.uart.saveState());
});
