/**
 * Rebuilds every guest image in `guests/build/` from the sources in `guests/`, byte for byte
 * reproducibly; `--record` then records each guest's expected output with qemu-system-i386.
 *
 * Usage: `deno task guests [--record] [--only name,...]`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { recordExpected } from "./record.ts";

/** Flags every 32-bit C file is compiled with (the guest ABI: i686, no OS, no PIE). */
const GUEST_CFLAGS = [
  "-m32",
  "-march=i686",
  "-ffreestanding",
  "-nostdlib",
  "-fno-pie",
  "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables",
  "-fcf-protection=none",
  "-fno-ident",
  "-O2",
  "-std=gnu11",
  "-Wall",
  "-Wextra",
  "-I",
  "guests/runtime",
];

/**
 * Extra flags for the runtime and string.c (in both builds): keep gcc from turning memcpy's loop
 * into a memcpy call.
 */
const RUNTIME_CFLAGS = ["-fno-tree-loop-distribute-patterns"];

/**
 * Flags for the native x86-64 Linux builds of the bench guests: the host's own ISA, but like the
 * freestanding guest no builtins, so `memcpy(&w, p, 4)` is a call to string.c's memcpy in both.
 */
const NATIVE_CFLAGS = [
  "-O2",
  "-std=gnu11",
  "-fno-builtin",
  "-fno-ident",
  "-Wall",
  "-Wextra",
  "-DJITVISOR_NATIVE",
  "-I",
  "guests/runtime",
];

/** Linker flags for the native builds (through gcc, with the C library). */
const NATIVE_LDFLAGS = ["-Wl,--build-id=none"];

/**
 * Linker flags for assembly guests, exactly as guests/README.md gives them. The multiboot header
 * must open `.text`, which this places at file offset 0x1000 (the first 8 KiB).
 */
const ASM_LDFLAGS = [
  "-m",
  "elf_i386",
  "--build-id=none",
  "-nostdlib",
  "-Ttext",
  "0x100000",
  "-e",
  "_start",
];

/** Linker flags for C guests: link.ld puts start.asm's multiboot header first, at 1 MiB. */
const C_LDFLAGS = [
  "-m",
  "elf_i386",
  "--build-id=none",
  "-nostdlib",
  "-z",
  "noexecstack",
  "--no-warn-rwx-segments",
  "-T",
  "guests/runtime/link.ld",
];

/** Where one kind of guest lives and where its images go, relative to the repository root. */
export interface GuestFolder {
  /** Folder holding the sources, e.g. `guests/asm`. */
  source: string;
  /** Source extension the folder builds: `.asm` or `.c`. */
  ext: ".asm" | ".c";
  /** Folder the `.elf` images are written to. */
  output: string;
  /** Folder for native x86-64 builds of the same sources, if any. */
  nativeOutput?: string;
}

/** The guest folders, in build order (conventions in guests/README.md). */
export const GUEST_FOLDERS: readonly GuestFolder[] = [
  { source: "guests/asm", ext: ".asm", output: "guests/build" },
  { source: "guests/c", ext: ".c", output: "guests/build" },
  { source: "guests/system", ext: ".asm", output: "guests/build/system" },
  { source: "guests/isa", ext: ".asm", output: "guests/build/isa" },
  {
    source: "guests/bench",
    ext: ".c",
    output: "guests/build/bench",
    nativeOutput: "guests/build/bench-native",
  },
];

/** One guest source and the image built from it. */
export interface GuestSource {
  /** Name of the guest: the source file name without extension. */
  name: string;
  /** Path of the source, relative to the repository root. */
  source: string;
  /** Path of the `.elf` image, relative to the repository root. */
  image: string;
  /** Path of the native build, if the folder has one. */
  native?: string;
}

/** A failure of an external tool, carrying its diagnostic output. */
export class ToolError extends Error {
  /**
   * @param message what failed, one line
   * @param output the tool's stderr and stdout
   */
  constructor(message: string, readonly output: string) {
    super(message);
    this.name = "ToolError";
  }
}

/** The repository root (the folder above this file). */
export const REPO_ROOT: string = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/**
 * Runs `cmd args` in the repository root and returns its stdout.
 *
 * @param cmd the program
 * @param args its arguments
 * @returns standard output as text
 * @throws ToolError when the program is missing or exits non-zero
 */
export async function run(cmd: string, args: string[]): Promise<string> {
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command(cmd, { args, cwd: REPO_ROOT, stdin: "null" }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new ToolError(`${cmd} is not installed (see guests/README.md, "Toolchain")`, "");
    }
    throw err;
  }
  const text = new TextDecoder();
  const stderr = text.decode(result.stderr);
  if (!result.success) {
    const output = stderr + text.decode(result.stdout);
    throw new ToolError(`${cmd} ${args.join(" ")} failed (exit ${result.code})`, output);
  }
  if (stderr.trim() !== "") console.error(stderr.trimEnd());
  return text.decode(result.stdout);
}

/**
 * Lists the guests of every folder, sorted by name within each folder.
 *
 * @returns the guests that have a source file
 * @throws SyntaxError when two sources would write the same image
 */
export function listGuests(): GuestSource[] {
  const guests: GuestSource[] = [];
  const images = new Set<string>();
  for (const folder of GUEST_FOLDERS) {
    let names: string[];
    try {
      names = [...Deno.readDirSync(`${REPO_ROOT}/${folder.source}`)]
        .filter((e) => e.isFile && e.name.endsWith(folder.ext))
        .map((e) => e.name.slice(0, -folder.ext.length))
        .sort();
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    for (const name of names) {
      const image = `${folder.output}/${name}.elf`;
      if (images.has(image)) {
        throw new SyntaxError(`Cannot build guests: two sources would write "${image}"`);
      }
      images.add(image);
      guests.push({
        name,
        source: `${folder.source}/${name}${folder.ext}`,
        image,
        native: folder.nativeOutput ? `${folder.nativeOutput}/${name}` : undefined,
      });
    }
  }
  return guests;
}

/** Checks that nasm, gcc (with 32-bit support) and ld are present; returns libgcc's path. */
async function checkToolchain(): Promise<string> {
  await run("nasm", ["-v"]);
  await run("ld", ["--version"]);
  const libgcc = (await run("gcc", ["-m32", "-print-libgcc-file-name"])).trim();
  try {
    Deno.statSync(libgcc);
  } catch {
    throw new ToolError("gcc cannot build 32-bit code: install gcc-multilib", "");
  }
  return libgcc;
}

/** The runtime objects every C guest links with, built once per run into a temporary folder. */
interface RuntimeObjects {
  /** start.asm, runtime.c and string.c for the guest (i686). */
  guest: string[];
  /** string.c for the native builds (x86-64). */
  native: string[];
}

/** Compiles the runtime into `tmp`. */
async function buildRuntime(tmp: string): Promise<RuntimeObjects> {
  const compile = (flags: string[], source: string, obj: string) =>
    run("gcc", [...flags, ...RUNTIME_CFLAGS, "-c", "-o", obj, `guests/runtime/${source}`]);
  const objects = {
    guest: [`${tmp}/start.o`, `${tmp}/runtime.o`, `${tmp}/string.o`],
    native: [`${tmp}/string-native.o`],
  };
  await run("nasm", ["-f", "elf32", "-o", objects.guest[0], "guests/runtime/start.asm"]);
  await compile(GUEST_CFLAGS, "runtime.c", objects.guest[1]);
  await compile(GUEST_CFLAGS, "string.c", objects.guest[2]);
  await compile(NATIVE_CFLAGS, "string.c", objects.native[0]);
  return objects;
}

/** Builds one guest into `tmp`; returns the paths (in `tmp`) of the image and native build. */
async function buildGuest(
  guest: GuestSource,
  tmp: string,
  runtime: RuntimeObjects,
  libgcc: string,
): Promise<{ image: string; native?: string }> {
  const obj = `${tmp}/${guest.image.replaceAll("/", "_")}.o`;
  const image = `${obj}.elf`;
  if (guest.source.endsWith(".asm")) {
    const include = guest.source.slice(0, guest.source.lastIndexOf("/") + 1);
    await run("nasm", ["-f", "elf32", "-I", include, "-o", obj, guest.source]);
    await run("ld", [...ASM_LDFLAGS, "-o", image, obj]);
  } else {
    await run("gcc", [...GUEST_CFLAGS, "-c", "-o", obj, guest.source]);
    await run("ld", [...C_LDFLAGS, "-o", image, ...runtime.guest, obj, libgcc]);
  }
  if (!guest.native) return { image };
  const native = `${obj}.native`;
  await run("gcc", [
    ...NATIVE_CFLAGS,
    ...NATIVE_LDFLAGS,
    "-o",
    native,
    guest.source,
    "guests/runtime/native_shim.c",
    ...runtime.native,
  ]);
  return { image, native };
}

/** Copies `from` to `to` unless the bytes are already equal; returns true if it wrote. */
function install(from: string, to: string, mode: number): boolean {
  const bytes = Deno.readFileSync(from);
  const target = `${REPO_ROOT}/${to}`;
  try {
    const old = Deno.readFileSync(target);
    if (old.length === bytes.length && old.every((b, i) => b === bytes[i])) return false;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  Deno.mkdirSync(target.slice(0, target.lastIndexOf("/")), { recursive: true });
  Deno.writeFileSync(target, bytes, { mode });
  Deno.chmodSync(target, mode);
  return true;
}

/** Deletes built files in the output folders that no source produces any more. */
function removeStale(wanted: Set<string>): string[] {
  const removed: string[] = [];
  const outputs = new Set(GUEST_FOLDERS.flatMap((f) => [f.output, f.nativeOutput ?? f.output]));
  for (const dir of [...outputs].sort()) {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(`${REPO_ROOT}/${dir}`)];
    } catch {
      continue;
    }
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      if (e.isFile && !wanted.has(path)) {
        Deno.removeSync(`${REPO_ROOT}/${path}`);
        removed.push(path);
      }
    }
  }
  return removed;
}

/**
 * Builds the given guests (all by default) and installs the images that changed.
 *
 * @param only names of guests to build; empty builds all and removes stale images
 * @returns the repository-relative paths that were written
 */
export async function buildGuests(only: string[] = []): Promise<string[]> {
  const libgcc = await checkToolchain();
  const all = listGuests();
  const guests = only.length ? all.filter((g) => isSelected(g, only)) : all;
  const unknown = only.filter((n) => !all.some((g) => isSelected(g, [n])));
  if (unknown.length) throw new RangeError(`Unknown guest(s): ${unknown.join(", ")}`);
  const tmp = Deno.makeTempDirSync({ prefix: "jitvisor-guests-" });
  try {
    const runtime = await buildRuntime(tmp);
    const built = await mapLimited(
      guests,
      navigator.hardwareConcurrency || 2,
      (g) => buildGuest(g, tmp, runtime, libgcc),
    );
    const written: string[] = [];
    guests.forEach((g, i) => {
      if (install(built[i].image, g.image, 0o644)) written.push(g.image);
      const native = built[i].native;
      if (g.native && native && install(native, g.native, 0o755)) written.push(g.native);
    });
    if (only.length === 0) {
      const wanted = new Set(guests.flatMap((g) => g.native ? [g.image, g.native] : [g.image]));
      for (const path of removeStale(wanted)) console.log(`removed ${path}`);
    }
    return written;
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
}

/**
 * Tells whether `--only` selects a guest: by name (`paging`) or by its image path below
 * `guests/build/` without `.elf` (`bench/paging`), for names two folders share.
 */
function isSelected(guest: GuestSource, only: readonly string[]): boolean {
  const qualified = guest.image.slice("guests/build/".length, -".elf".length);
  return only.includes(guest.name) || only.includes(qualified);
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping the order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      record: { type: "boolean", default: false },
      only: { type: "string", default: "" },
    },
  });
  const only = values.only ? values.only.split(",").filter((s) => s !== "") : [];
  const written = await buildGuests(only);
  for (const path of written) console.log(`wrote ${path}`);
  const count = listGuests().filter((g) => only.length === 0 || isSelected(g, only)).length;
  console.log(`${count} guest(s) built, ${written.length} file(s) changed`);
  if (values.record) {
    for (const g of listGuests()) {
      if (only.length && !isSelected(g, only)) continue;
      const result = await recordExpected(REPO_ROOT, g.source, g.image);
      console.log(
        `recorded ${result.expectedPath} (${result.bytes} bytes, status ${result.status})`,
      );
    }
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`error: ${message}`);
    if (err instanceof ToolError && err.output) console.error(err.output.trimEnd());
    Deno.exit(1);
  }
}
