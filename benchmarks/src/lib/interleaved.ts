import { fullGc } from './gc.js';
import { medianInterval } from './interval.js';
import { roundOrder } from './rounds.js';
import { type SamplerOptions, type SampleStats, sample } from './sampler.js';

/**
 * In-process comparisons in interleaved rounds: every round samples every contender once, the
 * order rotated by one per round (as the HTTP rounds do), so drift on a shared machine spreads
 * over all contenders instead of landing on whichever ran last. A full GC before each sample
 * keeps one contender's garbage from being collected on the next one's clock. A figure is then
 * the median of the per-round medians with a distribution-free 95 % interval (interval.ts).
 */
export interface InProcessContender<K extends string> {
  readonly key: K;
  readonly run: () => unknown;
}

/**
 * Per contender, the median nanoseconds per operation of each round, in round order.
 * `onSample` sees every sample whole (e.g. for its CPU per operation).
 */
export async function sampleInRounds<K extends string>(
  contenders: readonly InProcessContender<K>[],
  rounds: number,
  sampler: SamplerOptions,
  onRound?: (round: number) => void,
  onSample?: (key: K, stats: SampleStats) => void,
): Promise<Map<K, number[]>> {
  const perRound = new Map<K, number[]>(contenders.map((contender) => [contender.key, []]));
  for (let round = 0; round < rounds; round += 1) {
    onRound?.(round);
    for (const contender of roundOrder(contenders, round)) {
      fullGc();
      const stats = await sample(contender.run, sampler);
      perRound.get(contender.key)?.push(stats.medianNs);
      onSample?.(contender.key, stats);
    }
  }
  return perRound;
}

/**
 * The numbers of a case measured in rounds: median, 95 % interval (`low`, `high`), the
 * interval's real coverage and the round count, all in `scale` units of the inputs
 * (1000 turns nanoseconds into microseconds).
 */
export function roundNumbers(values: readonly number[], scale = 1): Record<string, number> {
  const interval = medianInterval(values.map((value) => value / scale));
  return {
    median: interval.median,
    low: interval.low,
    high: interval.high,
    intervalCoverage: interval.coverage,
    rounds: interval.n,
  };
}

/**
 * A case's figures from its per-round values: the headline (median), the numbers of
 * `roundNumbers`, and one `rounds` entry per round whose `value` is what a target pairs round
 * by round with its reference (results.ts).
 */
export function roundFigures(
  values: readonly number[],
  scale = 1,
): { value: number; numbers: Record<string, number>; rounds: Record<string, number>[] } {
  const numbers = roundNumbers(values, scale);
  return {
    value: numbers.median ?? Number.NaN,
    numbers,
    rounds: values.map((value, round) => ({ value: value / scale, round })),
  };
}
