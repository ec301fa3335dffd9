import { describe, expect, it } from '@jest/globals';
import type { LoadResult } from '../src/lib/loadgen.js';
import { type BenchCase, evaluateTarget, finalizeCases } from '../src/lib/results.js';
import { aggregateRounds, roundOrder, runRounds } from '../src/lib/rounds.js';

function load(reqPerSec: number, apiCpuMs: number): LoadResult {
  const durationSec = 1;
  const requests = reqPerSec * durationSec;
  return {
    reqPerSec,
    requests,
    durationSec,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    status2xx: requests,
    latencyMs: { p50: 1, p90: 2, p99: 3, mean: 1.2, max: 4 },
    loadgenCpuMs: 500,
    loadgenCpuShare: 0.5,
    loadgenCpuUsPerRequest: (500 * 1000) / requests,
    closesConnections: false,
    serverCpuMs: { api: apiCpuMs },
    meteredMs: 1000,
    machineBusyShare: 0.5,
    stealShare: 0,
  };
}

describe('interleaved rounds', () => {
  it('rotates the order by one per round, so every route leads once every n rounds', () => {
    expect(roundOrder(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
    expect(roundOrder([], 3)).toEqual([]);
  });

  it('runs every route once per round and keeps results in round order', async () => {
    const calls: string[] = [];
    const routes = ['x', 'y'].map((key) => ({ key, label: key, spec: { url: key } }));
    const byRoute = await runRounds(routes, 3, async (route, round) => {
      calls.push(`${round}:${route.key}`);
      return load(100 + round, 10);
    });
    expect(calls).toEqual(['0:x', '0:y', '1:y', '1:x', '2:x', '2:y']);
    expect(byRoute.get('y')?.map((entry) => [entry.result.reqPerSec, entry.position])).toEqual([
      [100, 1],
      [101, 0],
      [102, 1],
    ]);
  });

  it('reports medians with intervals, sums counts, and server CPU per request', () => {
    const rounds = [1000, 1100, 900, 1050, 950, 1020].map((rate, position) => ({
      result: load(rate, rate * 0.05),
      position,
    }));
    const aggregated = aggregateRounds(rounds, 10);
    expect(aggregated.value).toBe(1010);
    expect(aggregated.numbers).toMatchObject({
      reqPerSec: 1010,
      reqPerSecLow: 900,
      reqPerSecHigh: 1100,
      requests: 6020,
      rounds: 6,
      apiCpuUsPerRequest: 50,
      apiCpuShare: expect.any(Number),
    });
    expect(aggregated.numbers.intervalCoverage).toBeCloseTo(0.96875, 12);
    expect(aggregated.numbers.littleMeanMs).toBeCloseTo((10 / 1010) * 1000, 9);
    expect(aggregated.rounds[2]).toEqual({
      position: 2,
      reqPerSec: 900,
      p50Ms: 1,
      p99Ms: 3,
      apiCpuUsPerRequest: 50,
    });
  });
});

describe('targets on paired rounds', () => {
  const httpCase = (id: string, rates: readonly number[]) => ({
    id,
    family: 'http-throughput' as const,
    label: id,
    unit: 'req/s',
    better: 'higher' as const,
    value: rates[0] ?? 0,
    numbers: { reqPerSec: rates[0] ?? 0 },
    baselineId: 'http-throughput/c/baseline',
    params: {},
    rounds: rates.map((reqPerSec, position) => ({ reqPerSec, position })),
  });
  const spec = (goal: number) => ({
    id: 't',
    family: 'http-throughput' as const,
    description: 't',
    caseId: 'http-throughput/c/jwt',
    referenceId: 'http-throughput/c/baseline',
    goal,
  });
  // The baseline drifts down 20 % over the run; the route is 0.85× of it in every round.
  const baseline = [4000, 3900, 3700, 3600, 3400, 3200];
  const cases: BenchCase[] = finalizeCases([
    httpCase('http-throughput/c/baseline', baseline),
    httpCase(
      'http-throughput/c/jwt',
      baseline.map((rate, index) => rate * (0.85 + (index % 2 === 0 ? 0.01 : -0.01))),
    ),
  ]);

  it('pairs each round with its baseline, so drift cancels, and decides on the interval', () => {
    const met = evaluateTarget(spec(0.8), cases);
    expect(met.status).toBe('met');
    expect(met.measured).toBeCloseTo(0.85, 9);
    expect(met.measuredLow).toBeCloseTo(0.84, 9);
    expect(met.measuredHigh).toBeCloseTo(0.86, 9);
    expect(met.rounds).toBe(6);
    expect(evaluateTarget(spec(0.9), cases).status).toBe('missed');
    expect(evaluateTarget(spec(0.85), cases).status).toBe('inconclusive');
  });

  it('is inconclusive with too few rounds for a 95 % interval', () => {
    const two = finalizeCases([
      httpCase('http-throughput/c/baseline', [4000, 3900]),
      httpCase('http-throughput/c/jwt', [2000, 1900]),
    ]);
    const result = evaluateTarget(spec(0.8), two);
    expect(result.status).toBe('inconclusive');
    expect(result.coverage).toBeCloseTo(0.5, 12);
  });

  it('falls back to the point estimate for cases measured once', () => {
    const once = finalizeCases([
      { ...httpCase('http-throughput/c/baseline', [100]), rounds: undefined },
      { ...httpCase('http-throughput/c/jwt', [90]), rounds: undefined },
    ]);
    expect(evaluateTarget(spec(0.8), once)).toMatchObject({ status: 'met', measured: 0.9 });
  });
});
