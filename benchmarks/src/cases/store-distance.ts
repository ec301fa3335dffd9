import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { crossoverRtt } from '../lib/crossover.js';
import { STRATEGIES } from '../lib/http.js';
import type { LoadResult, LoadSpec } from '../lib/loadgen.js';
import { redisPingMs } from '../lib/redis-ping.js';
import { aggregateRounds, roundOrder } from '../lib/rounds.js';
import { missingService } from '../lib/services.js';

/**
 * Question 3: how far away may the store be? The Redis-backed strategies again, with Redis
 * behind a latency-injecting TCP proxy adding 0, 0.5 and 2 ms of round-trip time (users stay
 * in PostgreSQL at no added distance), beside the stateless JWT (JWT_REVOCATION=none, no store
 * on the request path: its own API process, in-process stores), measured at every distance so
 * its line is shown flat rather than assumed. Interleaved rounds: each round visits every
 * distance and every route, both orders rotated. The x axis is the round-trip time the proxy
 * was *measured* to add (Redis PING through the proxy minus PING direct), not the nominal one;
 * the crossover is the measured distance at which a strategy's p50 exceeds the stateless p50
 * by 10 % / 50 % (interpolated, never extrapolated). Baseline: the same strategy at 0 ms added
 * (through the same proxy, so the proxy's own hop is in every store-backed case).
 */
export const RTTS_MS = [0, 0.5, 2] as const;
/**
 * Seconds a run here costs beyond warm-up and window (the proxy's delay set per distance, two
 * APIs' meters): 293 s for 96 runs of 1.75 s in the last full run leaves 1.25 s a run.
 */
const RUN_OVERHEAD_SEC = 1.25;
const STATELESS = 'jwt-stateless';
const EXCESSES = [0.1, 0.5] as const;

export function distanceCaseId(strategy: string, rtt: number): string {
  return `store-distance/${strategy}/rtt-${rtt}ms`;
}

interface Route {
  readonly key: string;
  readonly spec: LoadSpec;
}

export const storeDistance: Family = {
  id: 'store-distance',
  title: 'Store distance: added Redis round-trip time',
  description:
    'Requests per second, p50 latency and API CPU per request of the Redis-backed strategies with 0, 0.5 and 2 ms added between the API and Redis (a latency-injecting TCP proxy; the added RTT is measured), beside the stateless JWT, in interleaved rounds; the crossover RTT where each falls 10 % / 50 % behind stateless. Baseline: the same strategy at 0 ms added.',
  missing: () => [missingService('redis'), missingService('postgres')].filter((entry) => entry !== null),
  apiConfigs: () => ['proxied-1w', 'memory-1w-stateless'],
  estimateSeconds: (ctx) => {
    const count = roundCount(ctx);
    const { durationSec, warmupSec } = runLengths(ctx);
    return (
      count * (RTTS_MS.length * (STRATEGIES.length + 1) + 1) * (durationSec + warmupSec + RUN_OVERHEAD_SEC) +
      6
    );
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const rounds = roundCount(ctx);
    const total = rounds * RTTS_MS.length;
    let done = 0;
    scope.step('starting the APIs (proxied-1w, memory-1w-stateless)', done, total);
    const api = await ctx.apis.get('proxied-1w');
    const stateless = await ctx.apis.get('memory-1w-stateless');
    const direct = await ctx.services.url('redis');
    const proxied = (await ctx.proxies.urls()).redis;
    const { connections } = ctx.sizes.load;
    const { durationSec, warmupSec } = runLengths(ctx);
    // Redis and PostgreSQL behind the proxies, not the proxies (api-configs.ts `proxied-1w`).
    const apiServers = await api.meteredServers();
    const statelessServers = await stateless.meteredServers();
    const routes: Route[] = [];
    for (const strategy of STRATEGIES) {
      routes.push({
        key: strategy,
        spec: {
          url: `${api.baseUrl}/${strategy}/protected`,
          headers: (await api.credential(strategy)).headers,
          servers: apiServers,
        },
      });
    }
    routes.push({
      key: STATELESS,
      spec: {
        url: `${stateless.baseUrl}/jwt/protected`,
        headers: (await stateless.credential('jwt')).headers,
        servers: statelessServers,
      },
    });
    const baselineRoute: Route = {
      key: 'baseline',
      spec: { url: `${api.baseUrl}/strategies`, servers: apiServers },
    };
    const results = new Map<string, { result: LoadResult; position: number }[]>();
    const pings = new Map<number, number[]>(RTTS_MS.map((rtt) => [rtt, []]));
    const directPings: number[] = [];
    const held = new Map<number, number[]>(RTTS_MS.map((rtt) => [rtt, []]));
    const keep = (key: string, result: LoadResult, position: number) => {
      const list = results.get(key) ?? [];
      list.push({ result, position });
      results.set(key, list);
    };
    try {
      for (let round = 0; round < rounds; round += 1) {
        for (const rtt of roundOrder(RTTS_MS, round)) {
          scope.step(`round ${round + 1}/${rounds} · +${rtt} ms`, done, total);
          await ctx.proxies.setRtt('redis', rtt);
          directPings.push(await redisPingMs(direct, 100));
          pings.get(rtt)?.push(await redisPingMs(proxied, 100));
          const visit = rtt === 0 ? [baselineRoute, ...routes] : routes;
          for (const [position, route] of roundOrder(visit, round).entries()) {
            await ctx.proxies.reset('redis');
            const result = await ctx.loadgen.run(route.spec, {
              durationSec,
              warmupSec: round === 0 ? warmupSec * 2 : warmupSec,
            });
            if (route.key !== STATELESS && route.key !== 'baseline') {
              held.get(rtt)?.push((await ctx.proxies.read('redis')).heldMedianUs);
            }
            keep(route.key === 'baseline' ? 'baseline' : `${route.key}/${rtt}`, result, position);
          }
          done += 1;
        }
      }
    } finally {
      await ctx.proxies.setRtt('redis', 0).catch(() => undefined);
    }

    const median = (values: readonly number[]) => aggregateMedian(values);
    const directPingMs = median(directPings);
    const baseline = aggregateRounds(results.get('baseline') ?? [], connections);
    scope.add({
      id: 'store-distance/baseline',
      label: 'baseline GET /strategies (no store)',
      unit: 'req/s',
      better: 'higher',
      value: baseline.value,
      numbers: baseline.numbers,
      rounds: baseline.rounds,
      baselineId: 'store-distance/baseline',
      params: { config: 'proxied-1w', route: 'baseline', rttMs: 0 },
      notes: baseline.notes,
    });
    const p50 = new Map<string, { rttMs: number; latencyMs: number }[]>();
    let statelessP50: number[] = [];
    for (const key of [...STRATEGIES, STATELESS]) {
      for (const rtt of RTTS_MS) {
        const aggregated = aggregateRounds(results.get(`${key}/${rtt}`) ?? [], connections);
        const proxiedPingMs = median(pings.get(rtt) ?? []);
        // What the proxy really added on top of going direct (its own hop included).
        const measuredAddedMs = Math.max(0, proxiedPingMs - directPingMs);
        const latency = aggregated.numbers.p50Ms ?? Number.NaN;
        if (key === STATELESS) statelessP50.push(latency);
        else p50.set(key, [...(p50.get(key) ?? []), { rttMs: measuredAddedMs, latencyMs: latency }]);
        scope.add({
          id: distanceCaseId(key, rtt),
          label:
            key === STATELESS
              ? `stateless JWT (JWT_REVOCATION=none, no store on the path), while Redis is +${rtt} ms away`
              : `${key}, Redis +${rtt} ms RTT (measured +${measuredAddedMs.toFixed(2)} ms)`,
          unit: 'req/s',
          better: 'higher',
          value: aggregated.value,
          numbers: {
            ...aggregated.numbers,
            addedRttMs: rtt,
            measuredAddedRttMs: measuredAddedMs,
            measuredPingMs: proxiedPingMs,
            directPingMs,
            ...(key === STATELESS ? {} : { proxyHeldMedianUs: median(held.get(rtt) ?? []) }),
          },
          rounds: aggregated.rounds,
          baselineId: distanceCaseId(key, 0),
          // rttMs is the measured added RTT: the chart's x axis (nominal is nominalRttMs).
          params: {
            config: key === STATELESS ? 'memory-1w-stateless' : 'proxied-1w',
            strategy: key,
            rttMs: Number(measuredAddedMs.toFixed(3)),
            nominalRttMs: rtt,
          },
          notes: aggregated.notes,
        });
      }
    }
    statelessP50 = statelessP50.filter(Number.isFinite);
    const reference = median(statelessP50);
    for (const [strategy, points] of p50) {
      for (const excess of EXCESSES) {
        const crossing = crossoverRtt(points, reference, excess);
        const percent = Math.round(excess * 100);
        if (crossing !== null && crossing <= 0) {
          // Already past at no measured distance: a 0 ms case would have no finite ratio.
          scope.note(
            `store-distance: ${strategy}'s p50 already exceeds the stateless JWT's by ${percent} % with no measurable RTT added.`,
          );
          continue;
        }
        if (crossing === null) {
          scope.note(
            `store-distance: ${strategy}'s p50 stays within ${percent} % of the stateless JWT's over the measured range (to +${Math.max(...points.map((p) => p.rttMs)).toFixed(2)} ms).`,
          );
          continue;
        }
        scope.add({
          id: `store-distance/crossover/${strategy}/${percent}pct`,
          label: `${strategy}: measured added Redis RTT at which p50 exceeds the stateless JWT's by ${percent} %`,
          unit: 'ms',
          better: 'higher',
          value: crossing,
          numbers: { crossoverRttMs: crossing, statelessP50Ms: reference, excessPercent: percent },
          baselineId: `store-distance/crossover/${strategy}/${percent}pct`,
          params: { of: strategy, excessPercent: percent },
        });
      }
    }
    scope.note(
      'store-distance: the stateless JWT runs in its own API process (memory-1w-stateless) and never touches Redis; it is measured at every distance so that its flat line is a measurement. The added RTT is the median Redis PING through the proxy minus the median PING direct, per distance (the proxy’s own hop included). Crossovers interpolate p50 between measured points; at 0 ms a store-backed strategy already pays the proxy’s hop.',
    );
  },
};

/** Full: http-throughput's rounds (6); quick proves the path once (it quotes no numbers). */
function roundCount(ctx: RunContext): number {
  return ctx.sizes.mode === 'quick' ? 1 : ctx.sizes.httpRounds.count;
}

/**
 * Shorter runs than http-throughput's, so that every distance gets its interleaved rounds within
 * the run's 30-minute budget: a p50 and a CPU per request settle in a second at these rates.
 */
function runLengths(ctx: RunContext): { durationSec: number; warmupSec: number } {
  const { durationSec, warmupSec } = ctx.sizes.httpRounds;
  if (ctx.sizes.mode === 'quick') return { durationSec: 0.6, warmupSec: 0.2 };
  return { durationSec: Math.min(durationSec, 1), warmupSec: Math.min(warmupSec, 0.25) };
}

function aggregateMedian(values: readonly number[]): number {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] as number) + (sorted[Math.ceil(middle)] as number)) / 2;
}
