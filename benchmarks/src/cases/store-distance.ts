import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { STRATEGIES } from '../lib/http.js';
import { loadNotes, loadNumbers } from '../lib/loadgen.js';
import { redisPingMs } from '../lib/redis-ping.js';
import { missingService } from '../lib/services.js';

/**
 * Question 3: how far away may the store be? The Redis-backed strategies again, with Redis
 * behind a latency-injecting TCP proxy adding 0, 0.5 and 2 ms of round-trip time (users stay
 * in PostgreSQL at no added distance). A published "sessions are slow / JWTs are fast" result
 * often only measured a remote store. Baseline: the same strategy at 0 ms added (through the
 * same proxy, so the proxy's own hop is in every case).
 */
export const RTTS_MS = [0, 0.5, 2] as const;

export function distanceCaseId(strategy: string, rtt: number): string {
  return `store-distance/${strategy}/rtt-${rtt}ms`;
}

export const storeDistance: Family = {
  id: 'store-distance',
  title: 'Store distance: added Redis round-trip time',
  description:
    'Requests per second and p50 latency of the Redis-backed strategies with 0, 0.5 and 2 ms added between the API and Redis (a latency-injecting TCP proxy); baseline: the same strategy at 0 ms added.',
  missing: () => [missingService('redis'), missingService('postgres')].filter((entry) => entry !== null),
  apiConfigs: () => ['proxied-1w'],
  estimateSeconds: (ctx) =>
    (RTTS_MS.length * STRATEGIES.length + 1) * (ctx.sizes.load.warmupSec + ctx.sizes.load.durationSec + 0.4) +
    4,

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const total = RTTS_MS.length * STRATEGIES.length + 1;
    let done = 0;
    scope.step('starting the API behind the proxies (proxied-1w)', done, total);
    const api = await ctx.apis.get('proxied-1w');
    const direct = await ctx.services.url('redis');
    const proxied = (await ctx.proxies.urls()).redis;
    const { connections } = ctx.sizes.load;
    try {
      await ctx.proxies.setRtt('redis', 0);
      scope.step('baseline route GET /strategies', done, total);
      const baseline = await ctx.loadgen.run({ url: `${api.baseUrl}/strategies` });
      done += 1;
      scope.add({
        id: 'store-distance/baseline',
        label: 'baseline GET /strategies (no store)',
        unit: 'req/s',
        better: 'higher',
        value: baseline.reqPerSec,
        numbers: loadNumbers(baseline, connections),
        baselineId: 'store-distance/baseline',
        params: { config: 'proxied-1w', route: 'baseline', rttMs: 0 },
      });
      const directPing = await redisPingMs(direct, 200);
      for (const rtt of RTTS_MS) {
        await ctx.proxies.setRtt('redis', rtt);
        const proxiedPing = await redisPingMs(proxied, 200);
        for (const strategy of STRATEGIES) {
          scope.step(`+${rtt} ms · ${strategy}`, done, total);
          const credential = await api.credential(strategy);
          await ctx.proxies.reset('redis');
          const result = await ctx.loadgen.run({
            url: `${api.baseUrl}/${strategy}/protected`,
            headers: credential.headers,
          });
          const counters = await ctx.proxies.read('redis');
          done += 1;
          scope.add({
            id: distanceCaseId(strategy, rtt),
            label: `${strategy}, Redis +${rtt} ms RTT`,
            unit: 'req/s',
            better: 'higher',
            value: result.reqPerSec,
            numbers: {
              ...loadNumbers(result, connections),
              addedRttMs: rtt,
              measuredPingMs: proxiedPing,
              directPingMs: directPing,
              proxyHeldMedianUs: counters.heldMedianUs,
            },
            baselineId: distanceCaseId(strategy, 0),
            params: { config: 'proxied-1w', strategy, rttMs: rtt },
            notes: loadNotes(result, connections),
          });
        }
      }
    } finally {
      await ctx.proxies.setRtt('redis', 0).catch(() => undefined);
    }
  },
};
