/**
 * Pieces shared by the ticket lifecycles of live periods (core/period.ts): how long a response or a resolution
 * takes, as a multiple of its SLA target, and weighted choices, both from a hash so that the record generator
 * and the column builder (which must know when a ticket last changed) agree without storing anything.
 */

/**
 * A multiple of an SLA target drawn from a 32-bit hash: within the target (0.05–1) with probability `within`,
 * otherwise one to three times it.
 */
export function multipleOfTarget(hash: number, within: number): number {
  const u = (hash >>> 8) / 16_777_216;
  return (hash & 0xff) / 256 < within ? 0.05 + 0.95 * u : 1 + 2 * u;
}

/** The index whose share of [0, 100) holds `roll` (0 ≤ roll < 100; `percents` add up to 100). */
export function weightedIndex(roll: number, percents: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < percents.length; i++) {
    sum += percents[i] as number;
    if (roll < sum) return i;
  }
  return percents.length - 1;
}
