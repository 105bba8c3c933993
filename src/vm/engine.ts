/** The contract every execution engine (interpreter, JIT) fulfils for the run loop. */

/** Result of running an engine for a while. */
export interface EngineRun {
  /** Instructions retired. */
  retired: number;
  /** A fault could not be delivered: the machine shuts down. */
  tripleFault: boolean;
}

/** An execution engine bound to one CPU. */
export interface Engine {
  /** Runs up to `budget` instructions, returning early when the CPU requests a stop. */
  run(budget: number): EngineRun;
}
