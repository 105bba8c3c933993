/** Finds the built guest images and the expectations recorded next to their sources. */

import { fileURLToPath } from "node:url";

/** The repository root, as an absolute path without a trailing slash. */
export const REPO_ROOT: string = fileURLToPath(new URL("../..", import.meta.url)).replace(
  /\/$/,
  "",
);

/** Image folders (relative to the root) and the source folder and extension each is built from. */
const IMAGE_SOURCES: ReadonlyArray<{ output: string; source: string; ext: string }> = [
  { output: "guests/build", source: "guests/asm", ext: ".asm" },
  { output: "guests/build", source: "guests/c", ext: ".c" },
  { output: "guests/build/system", source: "guests/system", ext: ".asm" },
  { output: "guests/build/isa", source: "guests/isa", ext: ".asm" },
  { output: "guests/build/bench", source: "guests/bench", ext: ".c" },
];

/** One built guest image and what it is expected to do under the reference machine. */
export interface GuestImage {
  /** Guest name: the image file name without `.elf`. */
  name: string;
  /** Image path relative to the repository root, e.g. `guests/build/hello.elf`. */
  image: string;
  /** Source path relative to the root, or undefined if no source matches the image. */
  source?: string;
  /** Exact bytes the guest writes to COM1 (from `<name>.expected`), if recorded. */
  expected?: Uint8Array;
  /** Exit status the guest writes to port 0xF4 (from `<name>.status`), if recorded. */
  status?: number;
  /** Command line the expectation was recorded with (from `<name>.append`), if any. */
  append?: string;
}

function readOptional(path: string): Uint8Array | undefined {
  try {
    return Deno.readFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Lists every `guests/build/**\/*.elf` image as a repository-relative path, sorted. */
export function listImagePaths(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of Deno.readDirSync(`${REPO_ROOT}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (entry.isFile && entry.name.endsWith(".elf")) found.push(path);
    }
  };
  walk("guests/build");
  return found.sort();
}

/**
 * Lists every built guest image with its source and recorded expectations.
 *
 * @returns the images, sorted by path
 */
export function listGuestImages(): GuestImage[] {
  const text = new TextDecoder();
  return listImagePaths().map((image) => {
    const dir = image.slice(0, image.lastIndexOf("/"));
    const name = image.slice(dir.length + 1, -".elf".length);
    for (const s of IMAGE_SOURCES) {
      if (s.output !== dir) continue;
      const source = `${s.source}/${name}${s.ext}`;
      if (readOptional(`${REPO_ROOT}/${source}`) === undefined) continue;
      const stem = `${REPO_ROOT}/${s.source}/${name}`;
      const status = readOptional(`${stem}.status`);
      const append = readOptional(`${stem}.append`);
      return {
        name,
        image,
        source,
        expected: readOptional(`${stem}.expected`),
        status: status === undefined ? undefined : Number(text.decode(status).trim()),
        append: append === undefined ? undefined : text.decode(append).split("\n")[0].trim(),
      };
    }
    return { name, image };
  });
}
