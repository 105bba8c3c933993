/**
 * The JIT engine: guest basic blocks translated to WebAssembly with binaryen, run against the
 * same shared state memory as the interpreter, with callouts to the interpreter's handlers for
 * everything not translated inline (DESIGN.md §5).
 *
 * @example Running guest code under the JIT
 * ```ts ignore
 * import { JitEngine } from "./mod.ts";
 * const jit = await JitEngine.create(cpu, interp, { threshold: 50 });
 * const { retired, tripleFault } = jit.run(100_000);
 * ```
 *
 * @module
 */

export { JitEngine, type JitOptions, type JitStats } from "./runtime.ts";
