/**
 * Snapshots: the CPU state block, guest RAM (and ROM), every device's saved state and the
 * clock, taken between runs. Restoring builds a new VM that continues exactly where the old one
 * was; with deterministic time both then produce the same output.
 */

import { STATE_END } from "../cpu/state.ts";
import { type DeviceStates, Vm, type VmConfig } from "./vm.ts";

/** A VM's complete state between runs. */
export interface VmSnapshot {
  /** Format version. */
  version: 1;
  /** Guest RAM size in bytes. */
  memoryBytes: number;
  /** Whether the VM used instruction-count time. */
  deterministic: boolean;
  /** The CPU state block (registers, segments, control registers, …). */
  cpu: Uint8Array;
  /** Guest RAM. */
  ram: Uint8Array;
  /** The firmware ROM, if one is loaded. */
  rom: Uint8Array | null;
  /** Saved device states. */
  devices: DeviceStates;
  /** Clock position. */
  clock: { instructions: number; skipped: number };
  /** Instructions retired before the snapshot. */
  instructions: number;
}

/**
 * Captures `vm` (call between runs).
 * @param vm the VM to save
 * @returns a self-contained copy of its state
 */
export function takeSnapshot(vm: Vm): VmSnapshot {
  const mem = vm.memory;
  return {
    version: 1,
    memoryBytes: mem.ramSize,
    deterministic: vm.deterministic,
    cpu: mem.u8.slice(0, STATE_END),
    ram: mem.read(0, mem.ramSize),
    rom: mem.romSize === 0 ? null : mem.u8.slice(mem.romBase, mem.romBase + mem.romSize),
    devices: vm.saveDevices(),
    clock: vm.clockState,
    instructions: vm.stats.instructions,
  };
}

/**
 * Builds a VM from a snapshot.
 * @param snapshot what `takeSnapshot` returned
 * @param config outputs and limits for the new VM (memory and time mode come from the snapshot)
 * @returns a VM that continues where the snapshot was taken
 */
export function restoreSnapshot(
  snapshot: VmSnapshot,
  config: Omit<VmConfig, "memoryBytes" | "romCapacity" | "deterministic">,
): Vm {
  if (snapshot.version !== 1) {
    throw new RangeError(`Cannot restore a snapshot of version ${snapshot.version}: expected 1`);
  }
  const vm = new Vm({
    ...config,
    memoryBytes: snapshot.memoryBytes,
    romCapacity: snapshot.rom?.length ?? 0,
    deterministic: snapshot.deterministic,
  }, snapshot.devices);
  const mem = vm.memory;
  if (snapshot.rom !== null) mem.loadRom(snapshot.rom);
  mem.write(0, snapshot.ram);
  mem.u8.set(snapshot.cpu, 0);
  vm.cpu.mmu.flushAll();
  vm.cpu.refreshMode();
  vm.clockState = snapshot.clock;
  vm.stats.instructions = snapshot.instructions;
  return vm;
}
