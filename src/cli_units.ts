/** Parsing of the CLI's size ("64M") and duration ("30s") arguments. */

/** Error for a malformed argument (the CLI exits with status 2). */
export class ArgumentError extends RangeError {
  /** @param message what is wrong */
  constructor(message: string) {
    super(message);
    this.name = "ArgumentError";
  }
}

const SIZE_UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, "": 1000 };

/**
 * Parses a byte size such as "64M", "1G", "512K" or "1048576".
 * @param text the argument
 * @param flag the flag name, for the error message
 * @returns bytes
 */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (m === null) throw new ArgumentError(`${flag} takes a size such as 64M or 1G, not "${text}"`);
  return Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()];
}

/**
 * Parses a duration such as "30s", "500ms", "2m" or "10" (seconds).
 * @param text the argument
 * @param flag the flag name, for the error message
 * @returns milliseconds
 */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|)$/.exec(text.trim());
  if (m === null || Number(m[1]) <= 0) {
    throw new ArgumentError(`${flag} takes a duration such as 30s or 500ms, not "${text}"`);
  }
  return Number(m[1]) * TIME_UNITS[m[2]];
}
