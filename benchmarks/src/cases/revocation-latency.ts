import { performance } from 'node:perf_hooks';
import type { ApiHandle } from '../lib/api-process.js';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { httpRequest, STRATEGIES, type StrategyName } from '../lib/http.js';
import { missingService } from '../lib/services.js';
import { summarize } from '../lib/stats.js';

/**
 * Question 5: after a logout on process A, how long until process B refuses the credential?
 * A and B are two API processes sharing Redis and PostgreSQL (in-process stores are not shared:
 * B could not even verify A's credentials). B is polled in a tight loop while A logs out; the
 * latency is from A's 204 to B's first 401. Stateless JWT (JWT_REVOCATION=none) cannot revoke:
 * B keeps accepting until `exp`, so its pair runs with a short JWT_TTL to observe the bound.
 * Baseline: one round trip to B (GET /strategies), the resolution of the measurement.
 */
const BASELINE_ID = 'revocation-latency/b-round-trip';

interface Observation {
  readonly latencyMs: number;
  readonly acceptedAfterLogout: number;
  readonly polls: number;
}

async function observe(
  a: ApiHandle,
  b: ApiHandle,
  strategy: StrategyName,
  limitMs: number,
): Promise<Observation> {
  const credential = await a.freshLogin(strategy);
  const url = `${b.baseUrl}/${strategy}/protected`;
  const before = await httpRequest(url, { headers: credential.headers });
  if (before.status !== 200)
    throw new Error(`B refused a fresh ${strategy} credential from A (${before.status}): ${before.body}`);
  let logoutDoneAt: number | null = null;
  let acceptedAfterLogout = 0;
  let polls = 0;
  let stop = false;
  const poller = (async (): Promise<number> => {
    const deadline = performance.now() + limitMs + 10_000;
    while (!stop) {
      const start = performance.now();
      const response = await httpRequest(url, { headers: credential.headers });
      const end = performance.now();
      polls += 1;
      if (response.status === 401 && logoutDoneAt !== null) return end;
      if (response.status === 200 && logoutDoneAt !== null && start >= logoutDoneAt) acceptedAfterLogout += 1;
      if (response.status !== 200 && response.status !== 401) {
        throw new Error(`B answered ${response.status} while polling: ${response.body}`);
      }
      if (end > deadline)
        throw new Error(`B still accepted the ${strategy} credential ${limitMs} ms after logout`);
    }
    return Number.NaN;
  })();
  try {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const logout = await httpRequest(`${a.baseUrl}/${strategy}/logout`, {
      method: 'POST',
      headers: credential.headers,
    });
    if (logout.status !== 204) throw new Error(`logout on A answered ${logout.status}: ${logout.body}`);
    logoutDoneAt = performance.now();
    const rejectedAt = await poller;
    return { latencyMs: Math.max(0, rejectedAt - logoutDoneAt), acceptedAfterLogout, polls };
  } finally {
    stop = true;
    await poller.catch(() => undefined);
  }
}

export const revocationLatency: Family = {
  id: 'revocation-latency',
  title: 'Revocation latency across processes',
  description:
    'Milliseconds from a logout answered by API process A until process B (sharing Redis and PostgreSQL) first refuses the credential; stateless JWT shows its bound, exp. Baseline: one round trip to B.',
  missing: () => [missingService('redis'), missingService('postgres')].filter((entry) => entry !== null),
  apiConfigs: () => ['redis-1w', 'redis-1w-b', 'stateless-a', 'stateless-b'],
  estimateSeconds: (ctx) =>
    8 +
    ctx.sizes.revocationRepeats * STRATEGIES.length * 0.4 +
    Math.min(3, ctx.sizes.revocationRepeats) * (ctx.sizes.statelessJwtTtlSeconds + 0.5),

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const repeats = ctx.sizes.revocationRepeats;
    const statelessRepeats = Math.min(3, repeats);
    const total = repeats * STRATEGIES.length + statelessRepeats + 1;
    let done = 0;
    scope.step('starting API processes A and B (and a stateless pair)', done, total);
    const [a, b, statelessA, statelessB] = await Promise.all([
      ctx.apis.get('redis-1w'),
      ctx.apis.get('redis-1w-b'),
      ctx.apis.get('stateless-a'),
      ctx.apis.get('stateless-b'),
    ]);

    const roundTrips: number[] = [];
    for (let index = 0; index < 50; index += 1) {
      const start = performance.now();
      await httpRequest(`${b.baseUrl}/strategies`);
      roundTrips.push(performance.now() - start);
    }
    const roundTrip = summarize(roundTrips);
    done += 1;
    scope.add({
      id: BASELINE_ID,
      label: 'baseline: one request round trip to process B (GET /strategies)',
      unit: 'ms',
      better: 'lower',
      value: roundTrip.median,
      numbers: { median: roundTrip.median, p10: roundTrip.p10, p90: roundTrip.p90, samples: roundTrip.count },
      baselineId: BASELINE_ID,
      params: { process: 'B', config: 'redis-1w-b' },
    });

    const record = (
      strategy: StrategyName,
      mode: string,
      label: string,
      observations: Observation[],
      extra: Record<string, number>,
    ) => {
      const latency = summarize(observations.map((entry) => entry.latencyMs));
      scope.add({
        id: `revocation-latency/${strategy}/${mode}`,
        label,
        unit: 'ms',
        better: 'lower',
        value: latency.median,
        numbers: {
          median: latency.median,
          min: latency.min,
          max: latency.max,
          repeats: observations.length,
          acceptedAfterLogoutMax: Math.max(...observations.map((entry) => entry.acceptedAfterLogout)),
          pollsMedian: summarize(observations.map((entry) => entry.polls)).median,
          ...extra,
        },
        baselineId: BASELINE_ID,
        params: { strategy, mode, stores: 'Redis + PostgreSQL', processes: 2 },
      });
    };

    for (const strategy of STRATEGIES) {
      const observations: Observation[] = [];
      for (let index = 0; index < repeats; index += 1) {
        scope.step(`${strategy}: logout on A → 401 on B (${index + 1}/${repeats})`, done, total);
        observations.push(await observe(a, b, strategy, 5_000));
        done += 1;
      }
      record(
        strategy,
        'immediate',
        `${strategy}: logout on A until B refuses (${strategy === 'jwt' ? 'JWT_REVOCATION=denylist' : 'immediate'})`,
        observations,
        { boundMs: 0 },
      );
    }

    const ttlMs = ctx.sizes.statelessJwtTtlSeconds * 1000;
    const stateless: Observation[] = [];
    for (let index = 0; index < statelessRepeats; index += 1) {
      scope.step(
        `jwt stateless: waiting for exp (JWT_TTL=${ctx.sizes.statelessJwtTtlSeconds} s) (${index + 1}/${statelessRepeats})`,
        done,
        total,
      );
      stateless.push(await observe(statelessA, statelessB, 'jwt', ttlMs + 1_500));
      done += 1;
    }
    record(
      'jwt',
      'until-exp',
      `jwt, JWT_REVOCATION=none: logout on A until B refuses — only at exp (JWT_TTL=${ctx.sizes.statelessJwtTtlSeconds} s here; 1800 s by default)`,
      stateless,
      { boundMs: ttlMs, defaultBoundMs: 1_800_000 },
    );
    scope.note(
      `Stateless JWT: the bound is JWT_TTL (1800 s by default); this run used JWT_TTL=${ctx.sizes.statelessJwtTtlSeconds} s so that the expiry is observed, and B kept accepting the logged-out token until then.`,
    );
    scope.note(
      'In-process stores are not shared between processes: a second process cannot verify the first one’s sessions or signed tokens at all, so revocation across processes is only meaningful with Redis and PostgreSQL.',
    );
  },
};
