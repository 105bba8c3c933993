/** The error raised when a kernel or firmware image cannot be parsed. */

/**
 * An image failed to parse. `offset` is the byte offset in the image of the field found wrong
 * (or the end of the file, for a truncated image).
 *
 * @example Catching a format error
 * ```ts
 * import assert from "node:assert/strict";
 * import { ImageFormatError } from "./image_error.ts";
 *
 * const err = new ImageFormatError('Cannot load kernel "x.elf": ELF class is 2 but must be 1', 4);
 * assert.ok(err instanceof SyntaxError);
 * assert.equal(err.name, "ImageFormatError");
 * assert.equal(err.offset, 4);
 * ```
 */
export class ImageFormatError extends SyntaxError {
  /** Always "ImageFormatError". */
  override name = "ImageFormatError";
  /** Byte offset in the image of the offending field. */
  readonly offset: number;

  /**
   * Creates the error.
   * @param message the whole one-line message, `Cannot load kernel "x.elf": <reason>`.
   * @param offset byte offset in the image of the offending field.
   * @param options an optional `cause`.
   */
  constructor(message: string, offset: number, options?: ErrorOptions) {
    super(message, options);
    this.offset = offset;
  }
}

/**
 * The subject that starts every loader message: `Cannot load kernel "x.elf"`, or
 * `Cannot load kernel` when the image has no display name.
 *
 * @param what what is being loaded ("kernel", "firmware", "image").
 * @param name the image's display name, if any.
 * @returns the message prefix, without the colon.
 *
 * @example Naming the image
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSubject } from "./image_error.ts";
 *
 * assert.equal(loadSubject("kernel", "x.elf"), 'Cannot load kernel "x.elf"');
 * assert.equal(loadSubject("kernel"), "Cannot load kernel");
 * ```
 */
export function loadSubject(what: string, name?: string): string {
  return name === undefined ? `Cannot load ${what}` : `Cannot load ${what} ${JSON.stringify(name)}`;
}

/**
 * Formats a number as lower-case hex with a `0x` prefix (unsigned).
 * @param n the number.
 * @returns e.g. "0x100000".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hex } from "./image_error.ts";
 *
 * assert.equal(hex(0x1badb002), "0x1badb002");
 * ```
 */
export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/**
 * Formats a byte count for messages: "80 MiB", "12 KiB", "100 bytes".
 * @param n a byte count.
 * @returns the count in the largest unit that divides it exactly (or bytes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSize } from "./image_error.ts";
 *
 * assert.equal(formatSize(64 * 1024 * 1024), "64 MiB");
 * assert.equal(formatSize(1000), "1000 bytes");
 * ```
 */
export function formatSize(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${n} bytes`;
}
