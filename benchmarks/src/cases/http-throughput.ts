import { fileURLToPath } from 'node:url';
import type { ApiHandle } from '../lib/api-process.js';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { httpRequest, STRATEGIES, type StrategyName } from '../lib/http.js';
import { profileHttpRoute } from '../lib/http-profile.js';
import { describeInterval } from '../lib/interval.js';
import type { LoadResult, LoadSpec } from '../lib/loadgen.js';
import type { ModeSizes } from '../lib/options.js';
import {
  PEER_ROUTES,
  type PeerKind,
  type PeerRouteKey,
  type Platform,
  type StartedPeer,
  startPeer,
} from '../lib/peers/start-peers.js';
import {
  everyRoundMetered,
  type RoundCaseInput,
  type RoundRoute,
  roundCases,
  routeRoundsSeconds,
  runRounds,
} from '../lib/rounds.js';
import { missingService } from '../lib/services.js';

/**
 * Question 2: what an HTTP request costs the server — CPU µs per request, the headline — and
 * its throughput and latency, for `GET /<strategy>/protected` against the same app's
 * `GET /strategies` (public, no store, no auth: the baseline route — `/health` pings every
 * store, so it is not a neutral baseline). The platform is a variable: every configuration runs
 * on express and on fastify (HTTP_PLATFORM). Peers run in the same rounds as the configuration
 * they compare with: a lean Nest app per platform, the NestJS-sample style on express, and the
 * bare node:http limit. autocannon runs in its own process pinned apart from the servers (see
 * the CPU plan); its own ceiling is measured against a bare node:http server. Every route of a
 * configuration is measured in interleaved rounds (rounds.ts): medians with intervals, and
 * targets decided on the per-round paired ratio.
 */
const BASELINE_PATH = '/strategies';
const BARE_SERVER = fileURLToPath(new URL('../lib/bare-server.js', import.meta.url));

type RouteKey = StrategyName | 'baseline' | PeerRouteKey;

interface Plan {
  readonly config: string;
  readonly platform: Platform;
  readonly routes: readonly StrategyName[];
  readonly peers: readonly PeerKind[];
  /** Needs Redis + PostgreSQL (and the cluster, for `cluster`). */
  readonly services: 'none' | 'redis' | 'cluster';
  /** Also in --quick, which proves every code path once (each platform, peer and store kind), not every pairing. */
  readonly quick: boolean;
}

/**
 * The cluster run's routes: one look-up per request each (session, JWT denylist, opaque). The
 * signed token (PostgreSQL + Redis) is left to the single-node runs to fit the time budget.
 */
const STORE_ROUTES: readonly StrategyName[] = STRATEGIES.filter((name) => name !== 'token');

const PLANS: readonly Plan[] = [
  {
    config: 'memory-1w',
    platform: 'express',
    routes: STRATEGIES,
    peers: ['lean-nest', 'nest-sample'],
    quick: true,
    services: 'none',
  },
  {
    config: 'memory-1w-fastify',
    platform: 'fastify',
    routes: STRATEGIES,
    peers: ['lean-nest'],
    quick: true,
    services: 'none',
  },
  {
    config: 'memory-1w-stateless',
    platform: 'express',
    routes: ['jwt'],
    peers: [],
    quick: false,
    services: 'none',
  },
  {
    config: 'memory-1w-stateless-fastify',
    platform: 'fastify',
    routes: ['jwt'],
    peers: ['bare-jwt'],
    quick: true,
    services: 'none',
  },
  { config: 'redis-1w', platform: 'express', routes: STRATEGIES, peers: [], quick: true, services: 'redis' },
  {
    config: 'redis-1w-fastify',
    platform: 'fastify',
    routes: STRATEGIES,
    peers: [],
    quick: false,
    services: 'redis',
  },
  {
    config: 'redis-2w',
    platform: 'express',
    routes: ['session', 'jwt'],
    peers: [],
    quick: true,
    services: 'redis',
  },
  {
    config: 'redis-2w-fastify',
    platform: 'fastify',
    routes: ['session', 'jwt'],
    peers: [],
    quick: false,
    services: 'redis',
  },
  {
    config: 'cluster-1w',
    platform: 'express',
    routes: STORE_ROUTES,
    peers: [],
    quick: true,
    services: 'cluster',
  },
];

/** Seconds an API (or peer) start costs on this machine, for the estimate. */
const START_SECONDS = 6;

function routeCount(plan: Plan): number {
  return 1 + plan.routes.length + plan.peers.reduce((sum, peer) => sum + PEER_ROUTES[peer].length, 0);
}

export function httpCaseId(config: string, route: RouteKey): string {
  return `http-throughput/${config}/${route}`;
}

/** The CPU case of an HTTP case: µs of server CPU per request, lower is better. */
export function httpCpuCaseId(config: string, route: RouteKey): string {
  return `${httpCaseId(config, route)}/cpu`;
}

/**
 * How many rounds each configuration ran, and what its interval is: which order statistics
 * bound it and how likely it is to cover the true median (interval.ts), for the family's note.
 */
export function roundsNote(
  configs: readonly string[],
  sizes: Pick<ModeSizes, 'httpRounds' | 'targetRounds'>,
): string {
  const byCount = new Map<number, string[]>();
  for (const config of configs) {
    const count = configRounds(config, sizes);
    byCount.set(count, [...(byCount.get(count) ?? []), config]);
  }
  const parts = [...byCount.entries()]
    .sort(([a], [b]) => b - a)
    .map(([count, names]) => {
      const described = describeInterval(count);
      return `${count} interleaved rounds (order rotated per round) for ${names.join(', ')}: ${described}`;
    });
  return parts.join('; ');
}

/** The plans of this mode (every one in full mode). */
function plansOf(ctx: Pick<RunContext, 'sizes'>): Plan[] {
  return PLANS.filter((plan) => ctx.sizes.mode === 'full' || plan.quick);
}

function servicesMissing(plan: Plan) {
  if (plan.services === 'none') return null;
  return (
    missingService('redis') ??
    missingService('postgres') ??
    (plan.services === 'cluster' ? missingService('cluster') : null)
  );
}

export const httpThroughput: Family = {
  id: 'http-throughput',
  title: 'HTTP: server CPU per request, throughput and latency',
  description:
    'Server CPU µs per request (the headline), requests per second and p50/p99 latency of GET /<strategy>/protected and the same app’s public GET /strategies, on express and on fastify, in-process stores, Redis (1 and 2 workers) and a Redis Cluster; peers in the same rounds: a lean Nest app per platform, the NestJS-sample style, the bare node:http limit; autocannon pinned apart from the server.',
  missing: () => [],
  apiConfigs: (ctx) =>
    plansOf(ctx)
      .filter((plan) => servicesMissing(plan) === null)
      .map((plan) => plan.config),
  estimateSeconds: (ctx) => {
    const routeSeconds = (count: number) => routeRoundsSeconds({ ...ctx.sizes.httpRounds, count });
    const plans = plansOf(ctx).filter((plan) => servicesMissing(plan) === null);
    // The load generator's ceiling, then each configuration with its own round count.
    const measuring = plans.reduce(
      (sum, plan) => sum + routeCount(plan) * routeSeconds(configRounds(plan.config, ctx.sizes)),
      routeSeconds(ctx.sizes.httpRounds.count),
    );
    const starts = plans.reduce((sum, plan) => sum + 1 + plan.peers.length, 1);
    return measuring + starts * START_SECONDS + 2;
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const plans: Plan[] = [];
    for (const plan of plansOf(ctx)) {
      const missing = servicesMissing(plan);
      if (missing === null) plans.push(plan);
      else scope.skipPart(missing, `the ${plan.config} configuration`);
    }
    const rounds = ctx.sizes.httpRounds;
    const total =
      rounds.count +
      plans.reduce((sum, plan) => sum + routeCount(plan) * configRounds(plan.config, ctx.sizes), 0);
    let done = 0;
    const { connections } = ctx.sizes.load;
    // One measured run of a round: the first round's warm-up is the long one.
    const measure = (spec: LoadSpec, round: number) =>
      ctx.loadgen.run(spec, {
        durationSec: rounds.durationSec,
        warmupSec: round === 0 ? rounds.firstWarmupSec : rounds.warmupSec,
      });
    /** The req/s case and, when the server's CPU was metered in every round, its CPU case. */
    const addRounds = (
      results: readonly { result: LoadResult; position: number }[],
      input: RoundCaseInput,
      withCpu: boolean,
    ) => {
      for (const entry of roundCases(results, connections, input, withCpu)) scope.add(entry);
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
      addRounds(
        byRoute.get('bare') ?? [],
        {
          id: 'http-throughput/loadgen-ceiling',
          label: 'load generator ceiling: bare node:http server, same body as the baseline route',
          baselineId: 'http-throughput/loadgen-ceiling',
          params: { config: 'bare-node-http', route: 'bare', workers: 1 },
        },
        false,
      );
    } finally {
      await bare.stop();
    }

    for (const plan of plans) {
      const count = configRounds(plan.config, ctx.sizes);
      scope.step(`starting the API (${plan.config})`, done, total);
      const api: ApiHandle = await ctx.apis.get(plan.config);
      const servers = await api.meteredServers();
      const routes: RoundRoute<RouteKey>[] = [];
      for (const route of ['baseline', ...plan.routes] as const) {
        const path = route === 'baseline' ? BASELINE_PATH : `/${route}/protected`;
        const headers = route === 'baseline' ? {} : (await api.credential(route)).headers;
        routes.push({
          key: route,
          label: route === 'baseline' ? `GET ${BASELINE_PATH}` : `GET /${route}/protected`,
          spec: { url: `${api.baseUrl}${path}`, headers, servers },
        });
      }
      const peers: StartedPeer[] = [];
      // Every route once per round, order rotated: drift lands on all of them alike.
      let byRoute: Map<RouteKey, { result: LoadResult; position: number }[]>;
      try {
        for (const kind of plan.peers) {
          scope.step(`starting the peer ${kind} (${plan.platform})`, done, total);
          const peer = await startPeer(ctx, api, kind, plan.platform);
          peers.push(peer);
          routes.push(...peer.routes);
        }
        byRoute = await runRounds(routes, count, (entry, round) => {
          scope.step(`${plan.config} · round ${round + 1}/${count} · ${entry.label}`, done, total);
          done += 1;
          return measure(entry.spec, round);
        });
      } finally {
        await Promise.all(peers.map((peer) => peer.stop()));
      }
      // CPU cases only when every route of the group was metered: a CPU case needs its baseline's.
      const withCpu = routes.every((route) => everyRoundMetered(byRoute.get(route.key) ?? [], connections));
      for (const route of routes) {
        const results = byRoute.get(route.key) ?? [];
        const common = {
          baselineId: httpCaseId(plan.config, 'baseline'),
          id: httpCaseId(plan.config, route.key),
        };
        if (route.key === 'baseline' || plan.routes.includes(route.key)) {
          const path = route.key === 'baseline' ? BASELINE_PATH : `/${route.key}/protected`;
          addRounds(
            results,
            {
              ...common,
              label: `${route.key === 'baseline' ? `baseline GET ${BASELINE_PATH}` : `${route.key} GET /${route.key}/protected`} — ${api.config.description}`,
              params: {
                config: plan.config,
                route: route.key,
                platform: plan.platform,
                stores: api.config.stores,
                workers: api.config.workers,
                path,
                rounds: count,
              },
            },
            withCpu,
          );
        } else {
          addRounds(
            results,
            {
              ...common,
              label: `${route.label} — peer in the rounds of ${plan.config}`,
              params: {
                // The configuration whose rounds it ran in: charts and tables show it beside those routes.
                config: plan.config,
                peer: route.key,
                route: route.key,
                platform: route.key === 'bare-jwt' ? 'node:http' : plan.platform,
                workers: 1,
                rounds: count,
              },
            },
            withCpu,
          );
        }
      }
    }

    scope.note(
      `${roundsNote(['the load generator ceiling', ...plans.map((plan) => plan.config)], ctx.sizes)}, peers in the rounds of the configuration they compare with; each figure is the median of the rounds, and (low–high) its order-statistic interval. Server CPU µs/request (the …/cpu cases) is utime+stime of the server's process tree (and of Redis / PostgreSQL, separately) from /proc over the measured window ÷ requests; a peer is metered the same way.`,
    );
    addTargets(ctx, scope, plans);
  },
};

/** One CPU target (issue #15) of this family: a route of a configuration against a reference route. */
export interface HttpTarget {
  readonly id: string;
  readonly description: string;
  readonly config: string;
  readonly route: StrategyName | 'baseline';
  readonly reference: RouteKey;
  readonly goal: number;
}

/**
 * The CPU targets (issue #15), in the "at least `goal` times as good" form: a cost ≤ k× the
 * reference's is "≥ 1/k as good". Each pairs round i of a case with round i of its reference.
 */
export function httpTargets(): HttpTarget[] {
  const targets: HttpTarget[] = [];
  for (const [config, platform] of [
    ['memory-1w', 'express'],
    ['memory-1w-fastify', 'fastify'],
  ] as const) {
    targets.push({
      id: `http-cpu-public-${platform}`,
      description: `${platform}: authbench public GET /strategies costs ≤ 1.15× the server CPU per request of the lean Nest app's public route (same body, same rounds)`,
      config,
      route: 'baseline',
      reference: 'lean-public',
      goal: 1 / 1.15,
    });
    for (const strategy of STRATEGIES) {
      targets.push({
        id: `http-cpu-${strategy}-${platform}`,
        description: `${platform}, in-process stores: authbench GET /${strategy}/protected costs ≤ 1.3× the server CPU per request of the lean Nest app's JWT-protected route (same rounds)`,
        config,
        route: strategy,
        reference: 'lean-jwt',
        goal: 1 / 1.3,
      });
    }
  }
  targets.push({
    id: 'http-cpu-jwt-fastify-vs-bare',
    description:
      'fastify, stateless JWT: authbench GET /jwt/protected costs ≤ 2× the server CPU per request of the bare node:http verifier (the limit, same rounds)',
    config: 'memory-1w-stateless-fastify',
    route: 'jwt',
    reference: 'bare-jwt',
    goal: 0.5,
  });
  return targets;
}

/** The configurations whose rounds decide a target: they run `targetRounds`, the rest `httpRounds.count`. */
const TARGET_CONFIGS: ReadonlySet<string> = new Set(httpTargets().map((target) => target.config));

/** How many rounds a configuration runs in this mode. */
export function configRounds(config: string, sizes: Pick<ModeSizes, 'httpRounds' | 'targetRounds'>): number {
  return TARGET_CONFIGS.has(config) ? sizes.targetRounds : sizes.httpRounds.count;
}

function addTargets(ctx: RunContext, scope: FamilyScope, plans: readonly Plan[]): void {
  const measured = new Set(plans.map((plan) => plan.config));
  for (const { config, route, reference, ...target } of httpTargets()) {
    if (!measured.has(config)) continue;
    scope.target(
      {
        ...target,
        caseId: httpCpuCaseId(config, route),
        referenceId: httpCpuCaseId(config, reference),
        readAs: 'cost',
      },
      (meta) =>
        route === 'baseline'
          ? profileHttpRoute(ctx, meta, config, BASELINE_PATH, null)
          : profileHttpRoute(ctx, meta, config, `/${route}/protected`, route),
    );
  }
}
