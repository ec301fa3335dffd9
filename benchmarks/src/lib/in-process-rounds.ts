import { medianInterval } from './interval.js';
import { roundOrder } from './rounds.js';

/**
 * Interleaved rounds for in-process contenders (libraries called in a loop, or a child process
 * timing its own loop): every round runs every contender once, the order rotated by one per
 * round (rounds.ts `roundOrder`), so drift on a shared machine lands on all contenders alike.
 * Each case keeps one figure per round; `evaluateTarget` (results.ts) pairs round i of a case
 * with round i of its reference and decides the target from the interval of those ratios.
 */

/** One contender: runs once per round and returns a figure for each case it measures. */
export interface RoundContender {
  readonly id: string;
  run(round: number): Promise<Readonly<Record<string, number>>>;
}

/** Per case: its figure in each round (round order) and where in the round it ran (0 = first). */
export interface CaseRounds {
  readonly values: number[];
  readonly positions: number[];
}

/**
 * Runs `rounds` rounds of `contenders`. `onStep` is told before each contender runs (progress).
 * @throws when a contender's cases differ between rounds (the pairing needs one per round).
 */
export async function runInProcessRounds(
  contenders: readonly RoundContender[],
  rounds: number,
  onStep?: (contender: RoundContender, round: number) => void,
): Promise<Map<string, CaseRounds>> {
  const byCase = new Map<string, CaseRounds>();
  for (let round = 0; round < rounds; round += 1) {
    for (const [position, contender] of roundOrder(contenders, round).entries()) {
      onStep?.(contender, round);
      const figures = await contender.run(round);
      for (const [caseId, value] of Object.entries(figures)) {
        let entry = byCase.get(caseId);
        if (entry === undefined) {
          entry = { values: [], positions: [] };
          byCase.set(caseId, entry);
        }
        if (entry.values.length !== round) {
          throw new Error(`case ${caseId}: measured in ${entry.values.length} of ${round} earlier rounds`);
        }
        entry.values.push(value);
        entry.positions.push(position);
      }
    }
  }
  for (const [caseId, entry] of byCase) {
    if (entry.values.length !== rounds)
      throw new Error(`case ${caseId}: measured in ${entry.values.length} of ${rounds} rounds`);
  }
  return byCase;
}

/**
 * What a case carries from its rounds: the headline (median of the rounds), the numbers with
 * the 95 % interval of that median (`low`, `high`, `coverage`, `rounds`), and one `rounds`
 * entry per round with the figure as `value` (the key results.ts pairs on) and `position`.
 */
export function caseFromRounds(measured: CaseRounds): {
  value: number;
  numbers: Record<string, number>;
  rounds: Record<string, number>[];
} {
  const interval = medianInterval(measured.values);
  return {
    value: interval.median,
    numbers: {
      median: interval.median,
      low: interval.low,
      high: interval.high,
      coverage: interval.coverage,
      rounds: interval.n,
      min: Math.min(...measured.values),
      max: Math.max(...measured.values),
    },
    rounds: measured.values.map((value, index) => ({ value, position: measured.positions[index] ?? 0 })),
  };
}

/** Sizes of one in-process measurement: a warm-up, then `batches` timed batches. */
export interface CpuSampleOptions {
  readonly warmupMs: number;
  readonly batches: number;
  readonly minBatchMs: number;
}

/**
 * CPU time per call, in µs: the median over `batches` batches of this process's user+system
 * CPU (`process.cpuUsage`) divided by the calls in the batch. CPU rather than wall time, so
 * time the process spends waiting for a core on a loaded machine does not count. Batches are
 * sized from the warm-up to last about `minBatchMs` each.
 */
export function cpuMicrosecondsPerCall(operation: () => unknown, options: CpuSampleOptions): number {
  let calls = 0;
  const warmStart = performance.now();
  do {
    operation();
    calls += 1;
  } while (performance.now() - warmStart < options.warmupMs);
  const perCallMs = (performance.now() - warmStart) / calls;
  const batch = Math.max(1, Math.min(1_000_000, Math.ceil(options.minBatchMs / Math.max(perCallMs, 1e-6))));
  const perCall: number[] = [];
  for (let index = 0; index < options.batches; index += 1) {
    const start = process.cpuUsage();
    for (let call = 0; call < batch; call += 1) operation();
    const used = process.cpuUsage(start);
    perCall.push((used.user + used.system) / batch);
  }
  return medianInterval(perCall).median;
}
