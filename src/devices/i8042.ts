/**
 * The Intel 8042 keyboard controller (ports 0x60 data, 0x64 status/command) with a minimal
 * PS/2 keyboard behind it: controller commands, the command byte, the output port (A20 and
 * reset) and keyboard command replies.
 *
 * A hostile guest can send any command stream; replies go into a fixed `OUTPUT_QUEUE_SIZE`
 * queue that drops bytes once full, host key input is bounded the same way, and every command
 * takes constant work.
 */

import type { AccessSize, DeviceStats, IrqLine, PortDevice } from "./device.ts";

/** Bytes the controller holds for the guest to read (output buffer plus queued replies). */
export const OUTPUT_QUEUE_SIZE = 16;

/** Status bit 0: output buffer full. */
const ST_OBF = 0x01;
/** Status bit 2: system flag (passed self-test). */
const ST_SYS = 0x04;
/** Status bit 3: last write was a command (0x64) rather than data (0x60). */
const ST_CMD = 0x08;
/** Status bit 4: keyboard not inhibited (lock switch). */
const ST_UNLOCKED = 0x10;
/** Status bit 5: the output buffer holds auxiliary (mouse) data. */
const ST_AUX = 0x20;

/** Command byte bit 0: keyboard interrupt (IRQ1) enable. */
const CB_KBD_IRQ = 0x01;
/** Command byte bit 1: auxiliary interrupt (IRQ12) enable. */
const CB_AUX_IRQ = 0x02;
/** Command byte bit 2: system flag. */
const CB_SYS = 0x04;
/** Command byte bit 4: keyboard clock disabled. */
const CB_KBD_OFF = 0x10;
/** Command byte bit 5: auxiliary clock disabled. */
const CB_AUX_OFF = 0x20;
/** Power-on command byte: IRQ1 on, system flag, translation on. */
const CB_POWER_ON = 0x45;

/** Output port bit 0: CPU reset line (0 = hold in reset). */
const OP_RESET = 0x01;
/** Output port bit 1: A20 gate. */
const OP_A20 = 0x02;
/** Output port bits 4 and 5: keyboard and auxiliary output buffer full. */
const OP_OBF = 0x10;
const OP_AUX_OBF = 0x20;
/** Power-on output port: not in reset, A20 enabled (jitvisor starts guests with A20 on). */
const OP_POWER_ON = OP_RESET | OP_A20;

/** Controller self-test passed. */
const SELF_TEST_OK = 0x55;
/** Interface test passed. */
const INTERFACE_OK = 0x00;
/** Keyboard acknowledge. */
const KBD_ACK = 0xfa;
/** Keyboard basic assurance test passed. */
const KBD_BAT_OK = 0xaa;
/** Keyboard echo reply. */
const KBD_ECHO = 0xee;
/** MF2 keyboard identification bytes. */
const KBD_ID = [0xab, 0x83];
/** Keyboard commands that take a parameter byte: LEDs, scan code set, typematic rate. */
const KBD_WITH_PARAM = new Set([0xed, 0xf0, 0xf3]);

/** The plain, JSON-able state of the controller; the defaults are the power-on values. */
export interface I8042State {
  /** The controller's 32 bytes of RAM; byte 0 is the command byte. */
  ram: number[];
  /** Output port. */
  outputPort: number;
  /** Queued bytes for the guest, oldest first, with the aux flag in bit 8. */
  queue: number[];
  /** Controller command waiting for its data byte, or 0. */
  pendingCommand: number;
  /** Keyboard command waiting for its parameter, or 0. */
  pendingKeyboard: number;
  /** Keyboard scanning enabled (0xF4/0xF5). */
  scanning: boolean;
  /** Last write went to the command port. */
  lastWasCommand: boolean;
  /** Self-test has run (status system flag before the command byte is written). */
  selfTested: boolean;
}

/** The power-on state of the controller. */
export function i8042PowerOnState(): I8042State {
  const ram = new Array<number>(32).fill(0);
  ram[0] = CB_POWER_ON;
  return {
    ram,
    outputPort: OP_POWER_ON,
    queue: [],
    pendingCommand: 0,
    pendingKeyboard: 0,
    scanning: true,
    lastWasCommand: false,
    selfTested: false,
  };
}

/** Effects the controller has on the machine. */
export interface I8042Deps {
  /** IRQ1, raised while keyboard data waits and the command byte enables it. */
  irq: IrqLine;
  /** IRQ12, the same for auxiliary data. */
  auxIrq?: IrqLine;
  /** Called when the output port's A20 bit changes. */
  setA20: (on: boolean) => void;
  /** Called when the guest pulses or holds the CPU reset line. */
  onReset: () => void;
}

/** Bit 8 of a queue entry: the byte came from the auxiliary device. */
const AUX_FLAG = 0x100;

/** An 8042 keyboard controller with its two ports as separate devices. */
export class I8042 {
  /** Counters of accesses and commands the controller does not implement. */
  readonly stats: DeviceStats = { missedReads: 0, missedWrites: 0 };
  /** Port 0x60: data. */
  readonly data: PortDevice;
  /** Port 0x64: status (read) and command (write). */
  readonly command: PortDevice;
  #s = i8042PowerOnState();
  #deps: I8042Deps;
  #irqLevel = false;
  #auxLevel = false;

  /**
   * Builds the controller in its power-on state.
   * @param deps.irq IRQ1
   * @param deps.auxIrq IRQ12 (optional)
   * @param deps.setA20 called when A20 changes through the output port
   * @param deps.onReset called on a reset pulse
   */
  constructor(deps: I8042Deps) {
    this.#deps = deps;
    this.data = {
      read: (offset, size) => this.#port(offset, size) ? this.#readData() : 0xff,
      write: (offset, size, value) => {
        if (this.#port(offset, size, true)) this.#writeData(value & 0xff);
      },
    };
    this.command = {
      read: (offset, size) => this.#port(offset, size) ? this.#status() : 0xff,
      write: (offset, size, value) => {
        if (this.#port(offset, size, true)) this.#writeCommand(value & 0xff);
      },
    };
  }

  /** Restores the controller from `saveState()` output (missing fields take power-on values). */
  static fromState(state: Partial<I8042State>, deps: I8042Deps): I8042 {
    const kbc = new I8042(deps);
    const s = { ...i8042PowerOnState(), ...state };
    s.ram = [...s.ram];
    s.queue = s.queue.slice(0, OUTPUT_QUEUE_SIZE);
    kbc.#s = s;
    kbc.#update();
    return kbc;
  }

  /** A JSON-able copy of the controller. */
  saveState(): I8042State {
    return { ...this.#s, ram: [...this.#s.ram], queue: [...this.#s.queue] };
  }

  /** The A20 bit of the output port. */
  get a20(): boolean {
    return (this.#s.outputPort & OP_A20) !== 0;
  }

  /**
   * Queues scan codes from the host keyboard (dropped while the keyboard is disabled).
   * @returns how many bytes were accepted
   */
  pressKeys(scancodes: Uint8Array): number {
    const s = this.#s;
    if (!s.scanning || s.ram[0] & CB_KBD_OFF) return 0;
    let n = 0;
    while (n < scancodes.length && this.#enqueue(scancodes[n])) n++;
    this.#update();
    return n;
  }

  #port(offset: number, size: AccessSize, write = false): boolean {
    if (offset === 0 && size === 1) return true;
    if (write) this.stats.missedWrites++;
    else this.stats.missedReads++;
    return false;
  }

  #enqueue(byte: number, aux = false): boolean {
    if (this.#s.queue.length >= OUTPUT_QUEUE_SIZE) return false;
    this.#s.queue.push(byte | (aux ? AUX_FLAG : 0));
    return true;
  }

  #status(): number {
    const s = this.#s;
    const head = s.queue[0];
    return (head === undefined ? 0 : ST_OBF | (head & AUX_FLAG ? ST_AUX : 0)) |
      (s.ram[0] & CB_SYS || s.selfTested ? ST_SYS : 0) | (s.lastWasCommand ? ST_CMD : 0) |
      ST_UNLOCKED;
  }

  #readData(): number {
    const head = this.#s.queue.shift();
    // The next byte is a new event for the interrupt controller: drop the line first.
    this.#setIrqs(false, false);
    this.#update();
    return head === undefined ? 0 : head & 0xff;
  }

  #writeData(value: number): void {
    const s = this.#s;
    s.lastWasCommand = false;
    const cmd = s.pendingCommand;
    s.pendingCommand = 0;
    if (cmd === 0) this.#keyboard(value);
    else if (cmd >= 0x60 && cmd < 0x80) s.ram[cmd - 0x60] = value;
    else if (cmd === 0xd1) this.#setOutputPort(value);
    else if (cmd === 0xd2) this.#enqueue(value);
    else if (cmd === 0xd3) this.#enqueue(value, true);
    // 0xD4: to the auxiliary device, which is absent: the byte is dropped.
    this.#update();
  }

  #writeCommand(cmd: number): void {
    const s = this.#s;
    s.lastWasCommand = true;
    s.pendingCommand = 0;
    if (cmd >= 0x20 && cmd < 0x40) this.#enqueue(s.ram[cmd - 0x20]);
    else if (cmd >= 0x60 && cmd < 0x80) s.pendingCommand = cmd;
    else if (cmd >= 0xf0) {
      // Pulse output port bits 3–0 low for each 0 in the command; bit 0 is CPU reset.
      if ((cmd & OP_RESET) === 0) this.#deps.onReset();
    } else {
      switch (cmd) {
        case 0xa7: // disable auxiliary interface
          s.ram[0] |= CB_AUX_OFF;
          break;
        case 0xa8: // enable auxiliary interface
          s.ram[0] &= ~CB_AUX_OFF;
          break;
        case 0xa9: // test auxiliary interface
        case 0xab: // test keyboard interface
          this.#enqueue(INTERFACE_OK);
          break;
        case 0xaa: // controller self-test
          s.selfTested = true;
          this.#enqueue(SELF_TEST_OK);
          break;
        case 0xad: // disable keyboard
          s.ram[0] |= CB_KBD_OFF;
          break;
        case 0xae: // enable keyboard
          s.ram[0] &= ~CB_KBD_OFF;
          break;
        case 0xc0: // read input port: keyboard not inhibited
          this.#enqueue(0x80);
          break;
        case 0xd0: { // read output port
          const head = s.queue[0];
          const obf = head === undefined ? 0 : head & AUX_FLAG ? OP_AUX_OBF : OP_OBF;
          this.#enqueue((s.outputPort & ~(OP_OBF | OP_AUX_OBF)) | obf);
          break;
        }
        case 0xd1: // write output port
        case 0xd2: // write keyboard output buffer
        case 0xd3: // write auxiliary output buffer
        case 0xd4: // write to auxiliary device
          s.pendingCommand = cmd;
          break;
        case 0xdd: // A20 off
          this.#setOutputPort(s.outputPort & ~OP_A20);
          break;
        case 0xdf: // A20 on
          this.#setOutputPort(s.outputPort | OP_A20);
          break;
        default:
          this.stats.missedWrites++;
      }
    }
    this.#update();
  }

  #setOutputPort(value: number): void {
    const s = this.#s;
    const old = s.outputPort;
    s.outputPort = value | OP_RESET; // the reset line is pulsed, not held
    if ((old ^ value) & OP_A20) this.#deps.setA20((value & OP_A20) !== 0);
    if ((value & OP_RESET) === 0) this.#deps.onReset();
  }

  #keyboard(value: number): void {
    const s = this.#s;
    if (s.pendingKeyboard) {
      const cmd = s.pendingKeyboard;
      s.pendingKeyboard = 0;
      this.#enqueue(KBD_ACK);
      if (cmd === 0xf0 && value === 0) this.#enqueue(0x02); // current scan code set
      return;
    }
    if (KBD_WITH_PARAM.has(value)) {
      s.pendingKeyboard = value;
      this.#enqueue(KBD_ACK);
      return;
    }
    switch (value) {
      case 0xff: // reset and self-test
        s.scanning = true;
        this.#enqueue(KBD_ACK);
        this.#enqueue(KBD_BAT_OK);
        break;
      case 0xf2: // identify
        this.#enqueue(KBD_ACK);
        for (const b of KBD_ID) this.#enqueue(b);
        break;
      case 0xf4: // enable scanning
        s.scanning = true;
        this.#enqueue(KBD_ACK);
        break;
      case 0xf5: // disable scanning
      case 0xf6: // set defaults
        s.scanning = value === 0xf6;
        this.#enqueue(KBD_ACK);
        break;
      case 0xee: // echo
        this.#enqueue(KBD_ECHO);
        break;
      default:
        this.#enqueue(KBD_ACK);
    }
  }

  #update(): void {
    const s = this.#s;
    const head = s.queue[0];
    const aux = head !== undefined && (head & AUX_FLAG) !== 0;
    const kbd = head !== undefined && !aux && (s.ram[0] & CB_KBD_IRQ) !== 0;
    this.#setIrqs(kbd, aux && (s.ram[0] & CB_AUX_IRQ) !== 0);
  }

  #setIrqs(kbd: boolean, aux: boolean): void {
    if (kbd !== this.#irqLevel) {
      this.#irqLevel = kbd;
      this.#deps.irq.set(kbd);
    }
    if (aux !== this.#auxLevel) {
      this.#auxLevel = aux;
      this.#deps.auxIrq?.set(aux);
    }
  }
}
