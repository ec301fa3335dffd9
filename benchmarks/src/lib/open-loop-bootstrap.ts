import { quantile, type Sample, seededRandom } from './open-loop.js';

/**
 * Intervals for the latency percentiles of one open-loop run: a moving-block bootstrap over
 * its requests. Requests close in time share a queue, so their latencies are not independent;
 * resampling whole blocks of consecutive requests (by scheduled time) keeps that dependence, where
 * resampling single requests would draw intervals too narrow. It is an interval over requests
 * within one run, not over repeated runs: it says how precisely this run pins its percentiles,
 * not how much another run on another minute would differ — and is labelled so.
 */
export interface BootstrapOptions {
  /** Length of a block of consecutive requests, in ms of scheduled time. */
  readonly blockMs: number;
  readonly resamples: number;
  readonly seed: number;
  /** Two-sided level: 0.95 keeps the 2.5th to 97.5th percentile of the resampled figures. */
  readonly confidence: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = {
  blockMs: 100,
  resamples: 200,
  seed: 1,
  confidence: 0.95,
};

const PERCENTILES = [
  ['p50Ms', 0.5],
  ['p99Ms', 0.99],
  ['p999Ms', 0.999],
] as const;

/** `<key>Low` / `<key>High` for p50Ms, p99Ms and p999Ms of the requests scheduled in [fromMs, toMs). */
export function percentileIntervals(
  samples: readonly Sample[],
  fromMs: number,
  toMs: number,
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Record<string, number> {
  const blocks: number[][] = [];
  for (const entry of samples) {
    if (entry.scheduledMs < fromMs || entry.scheduledMs >= toMs) continue;
    const index = Math.floor((entry.scheduledMs - fromMs) / options.blockMs);
    while (blocks.length <= index) blocks.push([]);
    blocks[index]?.push(entry.latencyMs);
  }
  const filled = blocks.filter((block) => block.length > 0);
  if (filled.length < 2) return {};
  const random = seededRandom(options.seed);
  const resampled = new Map<string, number[]>(PERCENTILES.map(([key]) => [key, []]));
  for (let draw = 0; draw < options.resamples; draw += 1) {
    const latencies: number[] = [];
    for (let pick = 0; pick < filled.length; pick += 1) {
      latencies.push(...(filled[Math.floor(random() * filled.length)] ?? []));
    }
    latencies.sort((a, b) => a - b);
    for (const [key, q] of PERCENTILES) resampled.get(key)?.push(quantile(latencies, q));
  }
  const tail = (1 - options.confidence) / 2;
  const numbers: Record<string, number> = {};
  for (const [key] of PERCENTILES) {
    const sorted = (resampled.get(key) ?? []).sort((a, b) => a - b);
    numbers[`${key}Low`] = quantile(sorted, tail);
    numbers[`${key}High`] = quantile(sorted, 1 - tail);
  }
  return numbers;
}
