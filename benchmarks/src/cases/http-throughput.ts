import { fileURLToPath } from 'node:url';
import type { ApiHandle } from '../lib/api-process.js';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { httpRequest, STRATEGIES, type StrategyName } from '../lib/http.js';
import { profileHttpRoute } from '../lib/http-profile.js';
import { medianInterval } from '../lib/interval.js';
import type { LoadResult, LoadSpec } from '../lib/loadgen.js';
import type { CaseInput } from '../lib/results.js';
import { aggregateRounds, type RoundRoute, runRounds } from '../lib/rounds.js';
import { missingService } from '../lib/services.js';

/**
 * Question 2: HTTP throughput and latency of `GET /<strategy>/protected` against the same
 * app's `GET /strategies` (public, no store, no auth: the baseline route — `/health` pings
 * every store, so it is not a neutral baseline), with in-process stores and with Redis, one
 * process and API_WORKERS=2. autocannon runs in its own process pinned apart from the server
 * (see the CPU plan); its own ceiling is measured against a bare node:http server. Every route
 * of a configuration is measured in interleaved rounds (rounds.ts): medians with intervals,
 * and targets decided on the per-round paired ratio to the baseline route.
 */
const BASELINE_PATH = '/strategies';
const BARE_SERVER = fileURLToPath(new URL('../lib/bare-server.js', import.meta.url));
const BARE_JWT_SERVER = fileURLToPath(new URL('../lib/bare-jwt-server.js', import.meta.url));
/** The limit of the JWT route: a peer route in the stateless JWT configuration's rounds. */
const BARE_JWT = 'bare-jwt';
const BARE_JWT_CONFIG = 'memory-1w-stateless';

interface Plan {
  readonly config: string;
  readonly routes: readonly StrategyName[];
}

const MEMORY_PLANS: readonly Plan[] = [
  { config: 'memory-1w', routes: STRATEGIES },
  { config: 'memory-1w-stateless', routes: ['jwt'] },
];
const REDIS_PLANS: readonly Plan[] = [
  { config: 'redis-1w', routes: STRATEGIES },
  { config: 'redis-2w', routes: STRATEGIES },
];

export function httpCaseId(config: string, route: StrategyName | 'baseline' | typeof BARE_JWT): string {
  return `http-throughput/${config}/${route}`;
}

/**
 * Starts the bare JWT verifier with the run's JWT secret and the issuer/audience of a token the
 * API issued (so it checks exactly what the app checks), pinned like the API.
 */
async function startBareJwt(ctx: RunContext, api: ApiHandle) {
  const credential = await api.credential('jwt');
  const token = credential.value;
  let claims: { iss?: unknown; aud?: unknown } = {};
  try {
    claims = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as typeof claims;
  } catch {
    // Not a JWT in the body: the verifier then answers 401 and the load run's status check says so.
  }
  const managed = ctx.registry.spawn({
    name: 'bare node:http JWT verifier',
    command: process.execPath,
    args: [BARE_JWT_SERVER],
    cpus: ctx.cpu.serverCpus,
    env: {
      PATH: process.env.PATH ?? '',
      BARE_JWT_SECRET: ctx.fixtures.secrets.jwt,
      ...(typeof claims.iss === 'string' ? { BARE_JWT_ISSUER: claims.iss } : {}),
      ...(typeof claims.aud === 'string' ? { BARE_JWT_AUDIENCE: claims.aud } : {}),
    },
  });
  try {
    const match = await managed.waitForOutput(/listening on (http:\/\/\S+)/, 10_000);
    const route: RoundRoute<typeof BARE_JWT> = {
      key: BARE_JWT,
      label: 'bare node:http JWT verifier',
      spec: {
        url: `${match[1] ?? ''}/`,
        headers: credential.headers,
        servers: [{ name: 'api', pid: managed.pid }],
      },
    };
    return { route, stop: () => managed.stop() };
  } catch (error) {
    await managed.stop();
    throw error;
  }
}

export const httpThroughput: Family = {
  id: 'http-throughput',
  title: 'HTTP throughput and latency',
  description:
    'Requests per second (and p50/p99 latency) of GET /<strategy>/protected relative to the same app’s public GET /strategies, in-process stores and Redis, one process and API_WORKERS=2; autocannon pinned apart from the server.',
  missing: () => [],
  apiConfigs: () => [
    ...MEMORY_PLANS.map((plan) => plan.config),
    ...(missingService('redis') === null && missingService('postgres') === null
      ? REDIS_PLANS.map((plan) => plan.config)
      : []),
  ],
  estimateSeconds: (ctx) => {
    const { count, durationSec, firstWarmupSec, warmupSec } = ctx.sizes.httpRounds;
    const perRoute = firstWarmupSec + (count - 1) * warmupSec + count * (durationSec + 0.4);
    const routes =
      1 + [...MEMORY_PLANS, ...REDIS_PLANS].reduce((sum, plan) => sum + plan.routes.length + 1, 0);
    return routes * perRoute + 4 * 3 + 2;
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const redisMissing = missingService('redis') ?? missingService('postgres');
    if (redisMissing !== null) scope.skipPart(redisMissing, 'the Redis + PostgreSQL configurations');
    const plans = [...MEMORY_PLANS, ...(redisMissing === null ? REDIS_PLANS : [])];
    const rounds = ctx.sizes.httpRounds;
    const total = rounds.count * (2 + plans.reduce((sum, plan) => sum + plan.routes.length + 1, 0));
    let done = 0;
    const { connections } = ctx.sizes.load;
    // One measured run of a round: the first round's warm-up is the long one.
    const measure = (spec: LoadSpec, round: number) =>
      ctx.loadgen.run(spec, {
        durationSec: rounds.durationSec,
        warmupSec: round === 0 ? rounds.firstWarmupSec : rounds.warmupSec,
      });
    const addRounds = (
      results: readonly { result: LoadResult; position: number }[],
      input: Omit<CaseInput, 'value' | 'numbers' | 'notes' | 'rounds' | 'family'>,
    ) => {
      const aggregated = aggregateRounds(results, connections);
      scope.add({
        ...input,
        value: aggregated.value,
        numbers: aggregated.numbers,
        rounds: aggregated.rounds,
        notes: aggregated.notes,
      });
    };

    // The load generator's ceiling: a bare node:http server with the baseline route's body.
    scope.step('starting the API (memory-1w)', done, total);
    const first = await ctx.apis.get('memory-1w');
    const baselineBody = (await httpRequest(`${first.baseUrl}${BASELINE_PATH}`)).body;
    scope.step('load generator ceiling: bare node:http', done, total);
    const bare = ctx.registry.spawn({
      name: 'bare node:http server',
      command: process.execPath,
      args: [BARE_SERVER],
      cpus: ctx.cpu.serverCpus,
      env: { PATH: process.env.PATH ?? '', BARE_BODY: baselineBody },
    });
    try {
      const match = await bare.waitForOutput(/listening on (http:\/\/\S+)/, 10_000);
      const route: RoundRoute = {
        key: 'bare',
        label: 'bare',
        spec: { url: `${match[1] ?? ''}/`, servers: [{ name: 'api', pid: bare.pid }] },
      };
      const byRoute = await runRounds([route], rounds.count, (entry, round) => {
        scope.step(
          `load generator ceiling: bare node:http (round ${round + 1}/${rounds.count})`,
          done,
          total,
        );
        done += 1;
        return measure(entry.spec, round);
      });
      addRounds(byRoute.get('bare') ?? [], {
        id: 'http-throughput/loadgen-ceiling',
        label: 'load generator ceiling: bare node:http server, same body as the baseline route',
        unit: 'req/s',
        better: 'higher',
        baselineId: 'http-throughput/loadgen-ceiling',
        params: { config: 'bare-node-http', route: 'bare', workers: 1 },
      });
    } finally {
      await bare.stop();
    }

    for (const plan of plans) {
      scope.step(`starting the API (${plan.config})`, done, total);
      const api: ApiHandle = await ctx.apis.get(plan.config);
      const servers = await api.meteredServers();
      const routes: RoundRoute<StrategyName | 'baseline' | typeof BARE_JWT>[] = [];
      for (const route of ['baseline', ...plan.routes] as const) {
        const path = route === 'baseline' ? BASELINE_PATH : `/${route}/protected`;
        const headers = route === 'baseline' ? {} : (await api.credential(route)).headers;
        routes.push({
          key: route,
          label: route === 'baseline' ? `GET ${BASELINE_PATH}` : `GET /${route}/protected`,
          spec: { url: `${api.baseUrl}${path}`, headers, servers },
        });
      }
      const peer = plan.config === BARE_JWT_CONFIG ? await startBareJwt(ctx, api) : null;
      if (peer !== null) routes.push(peer.route);
      // Every route once per round, order rotated: drift lands on all of them alike.
      let byRoute: Awaited<ReturnType<typeof runRounds<(typeof routes)[number]['key']>>>;
      try {
        byRoute = await runRounds(routes, rounds.count, (entry, round) => {
          scope.step(`${plan.config} · round ${round + 1}/${rounds.count} · ${entry.label}`, done, total);
          done += 1;
          return measure(entry.spec, round);
        });
      } finally {
        await peer?.stop();
      }
      if (peer !== null) {
        addRounds(byRoute.get(BARE_JWT) ?? [], {
          id: httpCaseId(plan.config, BARE_JWT),
          label: `the limit: bare node:http verifying the same HS256 JWT (KeyObject, exp/iss/aud), no framework — peer of ${api.config.description}`,
          unit: 'req/s',
          better: 'higher',
          baselineId: httpCaseId(plan.config, 'baseline'),
          params: {
            config: 'bare-node-http-jwt',
            route: BARE_JWT,
            workers: 1,
            path: '/',
            rounds: rounds.count,
          },
        });
      }
      for (const route of routes) {
        if (route.key === BARE_JWT) continue;
        const path = route.key === 'baseline' ? BASELINE_PATH : `/${route.key}/protected`;
        addRounds(byRoute.get(route.key) ?? [], {
          id: httpCaseId(plan.config, route.key),
          label: `${route.key === 'baseline' ? `baseline GET ${BASELINE_PATH}` : `${route.key} GET /${route.key}/protected`} — ${api.config.description}`,
          unit: 'req/s',
          better: 'higher',
          baselineId: httpCaseId(plan.config, 'baseline'),
          params: {
            config: plan.config,
            route: route.key,
            stores: api.config.stores,
            workers: api.config.workers,
            path,
            rounds: rounds.count,
          },
        });
      }
    }

    const { coverage } = medianInterval(Array.from({ length: rounds.count }, (_, index) => index));
    scope.note(
      `${rounds.count} interleaved rounds per configuration (order rotated per round); each figure is the median of the rounds, and (low–high) its order-statistic interval, which covers the true median with ${(coverage * 100).toFixed(coverage >= 0.95 ? 1 : 0)}% probability${coverage < 0.95 ? ' — less than 95%: too few rounds to decide a target' : ''}. Server CPU µs/req is utime+stime of the API process tree (and of Redis / PostgreSQL) from /proc over the measured window ÷ requests.`,
    );

    const target = (id: string, description: string, config: string, route: StrategyName, goal: number) =>
      scope.target(
        {
          id,
          description,
          caseId: httpCaseId(config, route),
          referenceId: httpCaseId(config, 'baseline'),
          goal,
        },
        (meta) => profileHttpRoute(ctx, meta, config, `/${route}/protected`, route),
      );
    target(
      'http-stateless-jwt',
      'stateless JWT (JWT_REVOCATION=none), in-process, 1 worker: ≥ 0.8× the baseline route',
      'memory-1w-stateless',
      'jwt',
      0.8,
    );
    target(
      'http-signed-token',
      'signed token, in-process stores, 1 worker: ≥ 0.75× the baseline route',
      'memory-1w',
      'token',
      0.75,
    );
    target(
      'http-session-memory',
      'session, in-process store, 1 worker: ≥ 0.65× the baseline route',
      'memory-1w',
      'session',
      0.65,
    );
    if (redisMissing === null) {
      target(
        'http-session-redis',
        'session with local Redis, 1 worker: ≥ 0.5× the baseline route',
        'redis-1w',
        'session',
        0.5,
      );
    }
  },
};
