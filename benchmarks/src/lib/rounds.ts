import { medianInterval } from './interval.js';
import { type LoadResult, type LoadSpec, loadNotes, loadNumbers } from './loadgen.js';
import type { CaseInput } from './results.js';
import { aggregateNotes } from './round-notes.js';

/**
 * Repeated, interleaved HTTP rounds: every round runs every route of a group once, the order
 * rotated by one per round, so that drift on the machine (another job starting, thermal, GC of
 * a long-lived process) spreads over all routes instead of landing on whichever ran last. Each
 * figure is then the median of the rounds with a distribution-free interval (interval.ts).
 */

/** Round r runs the routes starting at index r mod n: each route leads once every n rounds. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const shift = ((round % n) + n) % n;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** The per-round figures a case keeps (in round order), for paired comparisons. */
export const ROUND_KEYS = ['reqPerSec', 'p50Ms', 'p99Ms', 'apiCpuUsPerRequest'] as const;

/** Numbers summed over the rounds rather than their median. */
const SUMMED = new Set(['requests', 'errors', 'timeouts', 'non2xx']);
/** Numbers reported with a 95 % interval: `<key>Low`, `<key>High`. */
const WITH_INTERVAL = [
  'reqPerSec',
  'p50Ms',
  'p99Ms',
  'apiCpuUsPerRequest',
  'redisCpuUsPerRequest',
  'postgresCpuUsPerRequest',
];

export interface Aggregated {
  /** The median req/s of the rounds. */
  readonly value: number;
  readonly numbers: Record<string, number>;
  /** One entry per round, in round order: the ROUND_KEYS figures and `position` (0 = ran first). */
  readonly rounds: Record<string, number>[];
  readonly notes: string[];
}

export function aggregateRounds(
  results: readonly { readonly result: LoadResult; readonly position: number }[],
  connections: number,
): Aggregated {
  const perRound = results.map(({ result }) => loadNumbers(result, connections));
  const keys = new Set(perRound.flatMap((numbers) => Object.keys(numbers)));
  const numbers: Record<string, number> = {};
  let coverage = 0;
  for (const key of keys) {
    const values = perRound
      .map((entry) => entry[key])
      .filter((value): value is number => value !== undefined);
    if (values.length === 0) continue;
    if (SUMMED.has(key)) {
      numbers[key] = values.reduce((sum, value) => sum + value, 0);
      continue;
    }
    const interval = medianInterval(values);
    numbers[key] = interval.median;
    if (WITH_INTERVAL.includes(key)) {
      numbers[`${key}Low`] = interval.low;
      numbers[`${key}High`] = interval.high;
      if (key === 'reqPerSec') coverage = interval.coverage;
    }
  }
  // Little's law on the median throughput, not the median of per-round Little means.
  const reqPerSec = numbers.reqPerSec ?? 0;
  numbers.littleMeanMs = reqPerSec === 0 ? 0 : (connections / reqPerSec) * 1000;
  numbers.rounds = results.length;
  numbers.intervalCoverage = coverage;
  const rounds = results.map(({ position }, index) => {
    const entry: Record<string, number> = { position };
    for (const key of ROUND_KEYS) {
      const value = perRound[index]?.[key];
      if (value !== undefined) entry[key] = value;
    }
    return entry;
  });
  // One note per wording: a per-round number as its range, counts summed (round-notes.ts).
  const notes = aggregateNotes(
    results.flatMap(({ result }) => loadNotes(result, connections)),
    results.length,
    'per-round',
  );
  return { value: reqPerSec, numbers, rounds, notes };
}

/** A route measured in rounds: what to load, and how its case is named. */
export interface RoundRoute<K extends string = string> {
  readonly key: K;
  readonly spec: LoadSpec;
  readonly label: string;
}

/**
 * Runs `rounds` rounds over `routes` (order rotated per round) and returns each route's results
 * in round order. `run` is one measured load run (with its warm-up).
 */
export async function runRounds<K extends string>(
  routes: readonly RoundRoute<K>[],
  rounds: number,
  run: (route: RoundRoute<K>, round: number) => Promise<LoadResult>,
): Promise<Map<K, { result: LoadResult; position: number }[]>> {
  const byRoute = new Map<K, { result: LoadResult; position: number }[]>(
    routes.map((route) => [route.key, []]),
  );
  for (let round = 0; round < rounds; round += 1) {
    for (const [position, route] of roundOrder(routes, round).entries()) {
      const result = await run(route, round);
      byRoute.get(route.key)?.push({ result, position });
    }
  }
  return byRoute;
}

/** What a round-measured case is called; the figures come from its rounds. */
export type RoundCaseInput = Omit<
  CaseInput,
  'value' | 'numbers' | 'notes' | 'rounds' | 'family' | 'unit' | 'better'
>;

/**
 * The cases of a route measured in rounds: its req/s case and, with `withCpu` and a metered
 * server, its CPU case (`<id>/cpu`, µs of server CPU per request, lower is better), whose
 * per-round `value` is what a target pairs round by round (results.ts).
 */
export function roundCases(
  results: readonly { readonly result: LoadResult; readonly position: number }[],
  connections: number,
  input: RoundCaseInput,
  withCpu: boolean,
): Omit<CaseInput, 'family'>[] {
  const aggregated = aggregateRounds(results, connections);
  const throughput: Omit<CaseInput, 'family'> = {
    ...input,
    unit: 'req/s',
    better: 'higher',
    value: aggregated.value,
    numbers: aggregated.numbers,
    rounds: aggregated.rounds,
    notes: aggregated.notes,
  };
  const cpu = aggregated.numbers.apiCpuUsPerRequest;
  if (!withCpu || cpu === undefined) return [throughput];
  const numbers: Record<string, number> = {};
  for (const [key, value] of Object.entries(aggregated.numbers)) {
    if (key.includes('CpuUsPerRequest') || key === 'rounds' || key === 'intervalCoverage')
      numbers[key] = value;
  }
  return [
    throughput,
    {
      ...input,
      id: `${input.id}/cpu`,
      baselineId: `${input.baselineId}/cpu`,
      label: `${input.label} — server CPU per request`,
      unit: 'µs/request',
      better: 'lower',
      value: cpu,
      numbers,
      rounds: aggregated.rounds.map((entry) => ({
        position: entry.position ?? 0,
        value: entry.apiCpuUsPerRequest ?? Number.NaN,
        apiCpuUsPerRequest: entry.apiCpuUsPerRequest ?? Number.NaN,
      })),
      notes: aggregated.notes,
    },
  ];
}

/** Whether the server's CPU was metered in every round (a CPU case needs every round). */
export function everyRoundMetered(
  results: readonly { readonly result: LoadResult }[],
  connections: number,
): boolean {
  return results.every(({ result }) => loadNumbers(result, connections).apiCpuUsPerRequest !== undefined);
}

/**
 * Seconds a load run costs beyond its warm-up and measured window: the check request, two calls
 * to the load generator, the /proc readings around the window. Calibrated on the last full run:
 * http-throughput took 789 s for 252 runs (2 s windows, warm-ups 1 s then 0.25 s) and 14 process
 * starts of about 6 s, which leaves 0.42 s a run.
 */
export const LOAD_RUN_OVERHEAD_SEC = 0.45;

/** Seconds one route takes over all its rounds: the first warm-up long, the others short. */
export function routeRoundsSeconds(rounds: {
  readonly count: number;
  readonly durationSec: number;
  readonly firstWarmupSec: number;
  readonly warmupSec: number;
}): number {
  return (
    rounds.firstWarmupSec +
    (rounds.count - 1) * rounds.warmupSec +
    rounds.count * (rounds.durationSec + LOAD_RUN_OVERHEAD_SEC)
  );
}
