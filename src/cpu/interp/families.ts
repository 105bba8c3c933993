/** The remaining instruction families, collected for the dispatch table. */

import { BCD_HANDLERS } from "./bcd.ts";
import { BIT_HANDLERS } from "./bit.ts";
import { EXCHANGE_HANDLERS } from "./exchange.ts";
import { FAR_HANDLERS } from "./far.ts";
import type { HandlerTable } from "./handler.ts";
import { IO_HANDLERS } from "./io.ts";
import { MULDIV_HANDLERS } from "./muldiv.ts";
import { SHIFT_HANDLERS } from "./shift.ts";
import { STRING_HANDLERS } from "./string.ts";
import { SYSTEM_HANDLERS } from "./system.ts";

/** Family tables beyond the core four (shifts, mul/div, bits, BCD, strings, system, ...). */
export const FAMILY_HANDLERS: HandlerTable[] = [
  SHIFT_HANDLERS,
  MULDIV_HANDLERS,
  BIT_HANDLERS,
  BCD_HANDLERS,
  STRING_HANDLERS,
  EXCHANGE_HANDLERS,
  SYSTEM_HANDLERS,
  FAR_HANDLERS,
  IO_HANDLERS,
];
