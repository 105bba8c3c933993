import assert from "node:assert/strict";
import { BlockCache, type CompiledBlock } from "../../jit/cache.ts";
import { planBlock } from "../../jit/plan.ts";

function block(host: number, eip: number, mode: number, page: number): CompiledBlock {
  const plan = planBlock({ fetch8: () => 0xc3 }, eip, true);
  if (plan === null) throw new Error("no plan");
  return {
    id: 0,
    plan,
    host,
    pages: page < 0 ? [] : [page],
    mode,
    length: 1,
    fn: () => 1,
    valid: true,
    next: null,
  };
}

Deno.test("BlockCache.lookup() matches host address, entry EIP and mode", () => {
  const cache = new BlockCache();
  const a = block(0x801000, 0x1000, 1, 1);
  const alias = block(0x801000, 0x40001000, 1, 1);
  const other = block(0x801000, 0x1000, 5, 1);
  cache.insert(a);
  cache.insert(alias);
  cache.insert(other);
  assert.equal(cache.size, 3);
  assert.equal(cache.lookup(0x801000, 0x1000, 1), a);
  assert.equal(cache.lookup(0x801000, 0x40001000, 1), alias);
  assert.equal(cache.lookup(0x801000, 0x1000, 5), other);
  assert.equal(cache.lookup(0x801000, 0x1000, 3), undefined);
  assert.equal(cache.lookup(0x802000, 0x1000, 1), undefined);
});

Deno.test("BlockCache.invalidatePage() drops exactly the blocks of that page", () => {
  const cache = new BlockCache();
  const a = block(0x801000, 0x1000, 1, 1);
  const b = block(0x801010, 0x1010, 1, 1);
  const c = block(0x802000, 0x2000, 1, 2);
  for (const x of [a, b, c]) cache.insert(x);
  assert.equal(cache.invalidatePage(1), 2);
  assert.equal(a.valid, false);
  assert.equal(b.valid, false);
  assert.equal(c.valid, true);
  assert.equal(cache.lookup(0x801000, 0x1000, 1), undefined);
  assert.equal(cache.lookup(0x802000, 0x2000, 1), c);
  assert.equal(cache.size, 1);
  assert.deepEqual(cache.pages(), [2]);
});

Deno.test("BlockCache.insert() replaces a block with the same key; clear() forgets all", () => {
  const cache = new BlockCache();
  const a = block(0x801000, 0x1000, 1, 1);
  const a2 = block(0x801000, 0x1000, 1, 1);
  cache.insert(a);
  cache.insert(a2);
  assert.equal(cache.size, 1);
  assert.equal(a.valid, false);
  assert.equal(cache.lookup(0x801000, 0x1000, 1), a2);
  assert.equal(cache.clear(), 1);
  assert.equal(a2.valid, false);
  assert.equal(cache.size, 0);
});
