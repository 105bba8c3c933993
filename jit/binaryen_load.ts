/**
 * binaryen, imported once per process (about a second: a 14 MB module) and warmed up by
 * translating a small batch a few times, since binaryen's own code runs slowly until V8 has
 * optimised it.
 */

import type { Binaryen, BlockMode } from "./emit/context.ts";
import { planBlock } from "./plan.ts";
import { type BlockSource, translateBlocks } from "./translate.ts";

/**
 * A block touching most emitters (ALU, memory, imul, string, stack, jcc, call, ret): translated
 * a few times at start-up, because binaryen's code runs slowly until V8 has optimised it (the
 * first module of a run takes ~50 ms, later ones well under 1 ms a block), and that cost would
 * otherwise land on the guest's first hot loop.
 */
const WARM_UP_CODE = [
  0x01,
  0xd8,
  0x81,
  0xf3,
  0x5a,
  0x5a,
  0x00,
  0x00,
  0x8b,
  0x46,
  0x04,
  0x89,
  0x47,
  0x08,
  0x0f,
  0xaf,
  0xc3,
  0x6b,
  0x16,
  0xfd,
  0xc1,
  0xe0,
  0x03,
  0x0f,
  0x94,
  0xc2,
  0x0f,
  0xb6,
  0x4e,
  0x01,
  0x8d,
  0x44,
  0x8b,
  0x10,
  0xa4,
  0x53,
  0x5b,
  0x39,
  0xc8,
  0x72,
  0x02,
  0xe8,
  0x00,
  0x00,
  0x00,
  0x00,
  0xc3,
];
/** Translations of the warm-up batch at start-up. */
const WARM_UP_ROUNDS = 8;

/** binaryen, imported and warmed up once per process. */
let binaryenLoad: Promise<Binaryen> | null = null;
/** binaryen once `binaryenLoad` has settled, so later engines need not wait a turn for it. */
let loaded: Binaryen | null = null;

/**
 * binaryen if it has loaded already, so an engine created after that need not wait.
 * @returns binaryen, or null while it is loading or before anything asked for it
 */
export function loadedBinaryen(): Binaryen | null {
  return loaded;
}

/**
 * Imports and warms up binaryen, once per process.
 * @returns binaryen, ready to translate
 */
export function loadBinaryen(): Promise<Binaryen> {
  binaryenLoad ??= import("binaryen").then(({ default: b }) => {
    warmUp(b);
    loaded = b;
    return b;
  });
  return binaryenLoad;
}

function warmUp(b: Binaryen): void {
  const mode: BlockMode = {
    code32: true,
    stack32: true,
    user: false,
    checkedSegs: 0,
    csFlat: true,
    zeroBases: 0x3f,
    paging: false,
    ramEnd: 1 << 20,
  };
  const batch: BlockSource[] = [];
  for (let start = 0; start < 40; start += 8) {
    const code = WARM_UP_CODE;
    const plan = planBlock({ fetch8: (eip) => code[eip] ?? 0xc3 }, start, true);
    if (plan !== null) batch.push({ plan, mode, id: batch.length });
  }
  for (let r = 0; r < WARM_UP_ROUNDS; r++) {
    const { binary } = translateBlocks(b, batch);
    new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
  }
}
