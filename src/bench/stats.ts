/**
 * Small statistics for benchmark samples: median, geometric mean and ratios that tolerate
 * missing values.
 *
 * @module
 */

/**
 * The median of `values` (the mean of the two middle values for an even count).
 *
 * @param values samples in any order
 * @returns the median, or `null` when there are no samples
 *
 * @example Median of an even count
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./stats.ts";
 *
 * assert.equal(median([4, 1, 3, 2]), 2.5);
 * assert.equal(median([]), null);
 * ```
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The geometric mean of the positive numbers in `values`; `null` entries are skipped.
 *
 * @param values values, some possibly missing
 * @returns the geometric mean, or `null` when no positive value is present
 *
 * @example Geometric mean of ratios
 * ```ts
 * import assert from "node:assert/strict";
 * import { geometricMean } from "./stats.ts";
 *
 * assert.equal(geometricMean([2, 8, null]), 4);
 * assert.equal(geometricMean([null]), null);
 * ```
 */
export function geometricMean(values: readonly (number | null)[]): number | null {
  let logSum = 0;
  let count = 0;
  for (const v of values) {
    if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
    logSum += Math.log(v);
    count++;
  }
  return count === 0 ? null : Math.exp(logSum / count);
}

/**
 * `value / base`, or `null` when either is missing or the base is not positive.
 *
 * @param value the numerator
 * @param base the denominator
 * @returns the ratio or `null`
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ratio } from "./stats.ts";
 *
 * assert.equal(ratio(300, 100), 3);
 * assert.equal(ratio(300, null), null);
 * ```
 */
export function ratio(value: number | null, base: number | null): number | null {
  if (value === null || base === null || !(base > 0)) return null;
  return value / base;
}
