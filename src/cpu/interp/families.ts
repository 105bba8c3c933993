/** The remaining instruction families, collected for the dispatch table. */

import type { HandlerTable } from "./handler.ts";

/** Family tables beyond the core four (shifts, mul/div, bits, BCD, strings, system, ...). */
export const FAMILY_HANDLERS: HandlerTable[] = [];
