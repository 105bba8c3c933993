/**
 * The emulated PC devices: the port bus, interrupt controllers, timers, RTC, UART, keyboard
 * controller, system control ports and debug ports. Each device sees offsets into its own
 * port range and takes its effects (IRQ lines, clock, output) as constructor arguments.
 *
 * @module
 */

export type { AccessSize, Clock, DeviceStats, IrqLine, PortDevice, TimedDevice } from "./device.ts";
export { PORT_COUNT, PortBus } from "./bus.ts";
export {
  type InitStep,
  Pic8259,
  type Pic8259Deps,
  pic8259PowerOnState,
  type Pic8259State,
} from "./pic8259.ts";
export { CASCADE_IRQ, DualPic, type DualPicState } from "./dual_pic.ts";
export {
  Pit8254,
  pit8254PowerOnState,
  type Pit8254State,
  PIT_HZ,
  type PitChannelState,
} from "./pit8254.ts";
export {
  PORT61_REFRESH,
  PORT61_SPEAKER_DATA,
  PORT61_TIMER2_GATE,
  PORT61_TIMER2_OUT,
  SystemControlB,
  type SystemControlBDeps,
  type SystemControlBState,
} from "./port61.ts";
export {
  PORT92_A20,
  PORT92_RESET,
  SystemControlA,
  type SystemControlADeps,
  type SystemControlAState,
} from "./port92.ts";
export {
  CMOS_SIZE,
  CmosRtc,
  type CmosRtcDeps,
  cmosRtcPowerOnState,
  type CmosRtcState,
  type RtcTime,
} from "./cmos_rtc.ts";
export {
  RX_BUFFER_SIZE,
  Uart16550,
  type Uart16550Deps,
  uart16550PowerOnState,
  type Uart16550State,
} from "./uart16550.ts";
export {
  DEBUG_CONSOLE_MAGIC,
  DebugConsole,
  DebugExit,
  type EmptyState,
  PostPort,
  type PostPortState,
} from "./debug_ports.ts";
export {
  I8042,
  type I8042Deps,
  i8042PowerOnState,
  type I8042State,
  OUTPUT_QUEUE_SIZE,
} from "./i8042.ts";
