import { fileURLToPath } from 'node:url';
import type { ApiHandle } from '../lib/api-process.js';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { httpRequest, STRATEGIES, type StrategyName } from '../lib/http.js';
import { profileHttpRoute } from '../lib/http-profile.js';
import { loadNotes, loadNumbers } from '../lib/loadgen.js';
import { missingService } from '../lib/services.js';

/**
 * Question 2: HTTP throughput and latency of `GET /<strategy>/protected` against the same
 * app's `GET /strategies` (public, no store, no auth: the baseline route — `/health` pings
 * every store, so it is not a neutral baseline), with in-process stores and with Redis, one
 * process and API_WORKERS=2. autocannon runs in its own process pinned apart from the server
 * (see the CPU plan); its own ceiling is measured against a bare node:http server.
 */
const BASELINE_PATH = '/strategies';
const BARE_SERVER = fileURLToPath(new URL('../lib/bare-server.js', import.meta.url));

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

export function httpCaseId(config: string, route: StrategyName | 'baseline'): string {
  return `http-throughput/${config}/${route}`;
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
    const perRun = ctx.sizes.load.warmupSec + ctx.sizes.load.durationSec + 0.4;
    const runs = 1 + [...MEMORY_PLANS, ...REDIS_PLANS].reduce((sum, plan) => sum + plan.routes.length + 1, 0);
    return runs * perRun + 4 * 3 + 2;
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const redisMissing = missingService('redis') ?? missingService('postgres');
    if (redisMissing !== null) scope.skipPart(redisMissing, 'the Redis + PostgreSQL configurations');
    const plans = [...MEMORY_PLANS, ...(redisMissing === null ? REDIS_PLANS : [])];
    const total = 1 + plans.reduce((sum, plan) => sum + plan.routes.length + 1, 0);
    let done = 0;
    const { connections } = ctx.sizes.load;

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
      const result = await ctx.loadgen.run({
        url: `${match[1] ?? ''}/`,
        servers: [{ name: 'api', pid: bare.pid }],
      });
      scope.add({
        id: 'http-throughput/loadgen-ceiling',
        label: 'load generator ceiling: bare node:http server, same body as the baseline route',
        unit: 'req/s',
        better: 'higher',
        value: result.reqPerSec,
        numbers: loadNumbers(result, connections),
        baselineId: 'http-throughput/loadgen-ceiling',
        params: { config: 'bare-node-http', route: 'bare', workers: 1 },
        notes: loadNotes(result, connections),
      });
    } finally {
      await bare.stop();
    }
    done += 1;

    for (const plan of plans) {
      scope.step(`starting the API (${plan.config})`, done, total);
      const api: ApiHandle = await ctx.apis.get(plan.config);
      const routes: (StrategyName | 'baseline')[] = ['baseline', ...plan.routes];
      for (const route of routes) {
        scope.step(
          `${plan.config} · ${route === 'baseline' ? `GET ${BASELINE_PATH}` : `GET /${route}/protected`}`,
          done,
          total,
        );
        const path = route === 'baseline' ? BASELINE_PATH : `/${route}/protected`;
        const headers = route === 'baseline' ? {} : (await api.credential(route)).headers;
        const result = await ctx.loadgen.run({
          url: `${api.baseUrl}${path}`,
          headers,
          servers: await api.meteredServers(),
        });
        done += 1;
        scope.add({
          id: httpCaseId(plan.config, route),
          label: `${route === 'baseline' ? `baseline GET ${BASELINE_PATH}` : `${route} GET /${route}/protected`} — ${api.config.description}`,
          unit: 'req/s',
          better: 'higher',
          value: result.reqPerSec,
          numbers: loadNumbers(result, connections),
          baselineId: httpCaseId(plan.config, 'baseline'),
          params: {
            config: plan.config,
            route,
            stores: api.config.stores,
            workers: api.config.workers,
            path,
          },
          notes: loadNotes(result, connections),
        });
      }
    }

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
