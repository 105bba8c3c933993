/**
 * Finds the bench guests: every `<name>.elf` in `guests/build/bench/`, with its native build
 * from `guests/build/bench-native/<name>` when there is one. New guests are picked up by
 * listing the folder.
 *
 * @module
 */

/** A bench guest and its builds. */
export interface BenchGuest {
  /** Guest name (`sieve`). */
  name: string;
  /** Path of the multiboot image. */
  image: string;
  /** Path of the native x86-64 build, or `null` when it was not built. */
  native: string | null;
}

/** The default build folder: `guests/build/` of this repository. */
export const DEFAULT_BUILD_DIR: string = new URL("../../guests/build/", import.meta.url).pathname;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * Lists the bench guests built under `buildDir`, sorted by name.
 *
 * @param buildDir the guests' build folder (holding `bench/` and `bench-native/`)
 * @returns the guests; empty when `bench/` is missing
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findBenchGuests } from "./bench_guests.ts";
 *
 * for (const guest of await findBenchGuests()) {
 *   assert.ok(guest.image.endsWith(`/bench/${guest.name}.elf`));
 * }
 * ```
 */
export async function findBenchGuests(buildDir: string = DEFAULT_BUILD_DIR): Promise<BenchGuest[]> {
  const dir = buildDir.endsWith("/") ? buildDir : `${buildDir}/`;
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(`${dir}bench`)) {
      if (entry.isFile && entry.name.endsWith(".elf")) names.push(entry.name.slice(0, -4));
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  names.sort();
  const guests: BenchGuest[] = [];
  for (const name of names) {
    const native = `${dir}bench-native/${name}`;
    guests.push({
      name,
      image: `${dir}bench/${name}.elf`,
      native: await isFile(native) ? native : null,
    });
  }
  return guests;
}

/**
 * Finds the checksum line `name: checksum=0x........` in a guest's output.
 *
 * @param output everything the guest printed
 * @returns the 8 hex digits (lower case), or `null`
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseChecksum } from "./bench_guests.ts";
 *
 * assert.equal(parseChecksum("sieve: checksum=0x14733FB4\n"), "14733fb4");
 * ```
 */
export function parseChecksum(output: string): string | null {
  const m = /^[\w.-]+: checksum=0x([0-9a-fA-F]{8})\s*$/m.exec(output);
  return m === null ? null : m[1].toLowerCase();
}
