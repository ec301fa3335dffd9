import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { STRATEGIES } from '../lib/http.js';
import type { LoadResult } from '../lib/loadgen.js';
import type { CaseInput } from '../lib/results.js';
import { type RoundRoute, roundCases, runRounds } from '../lib/rounds.js';
import {
  crossoverCores,
  efficiencyOf,
  PROJECTED_CORES,
  PROJECTED_SHARDS,
  project,
  type RequestCost,
  validate,
} from '../lib/scale-model.js';
import { missingService } from '../lib/services.js';
import { httpCaseId } from './http-throughput.js';

/**
 * The scale model (lib/scale-model.ts): projected req/s against API cores and Redis shards for
 * each strategy, from CPU per request measured here — by http-throughput earlier in the same
 * run when it ran, else by short interleaved rounds of its own — and validated against the
 * measured 1- and 2-worker points.
 */
const ONE_WORKER = 'redis-1w';
const TWO_WORKERS = 'redis-2w';
const STATELESS = 'memory-1w-stateless';
const STATELESS_LINE = 'jwt-stateless';
/**
 * Projections assume dedicated cores, each fully busy (CPU-bound), like the Redis cap does; the
 * share of a core this shared VM gave the API (`efficiency`) is used only to predict the
 * points measured here, where the load generator, Redis and other jobs shared the cores.
 */
const PROJECTION_EFFICIENCY = 1;

/** The figures of one measured route the model needs. */
interface Measured {
  readonly reqPerSec: number;
  readonly low?: number;
  readonly high?: number;
  readonly apiUs: number;
  readonly redisUs: number;
  readonly postgresUs: number;
  readonly steal?: number;
}

const key = (config: string, route: string) => `${config}/${route}`;

function plan(): { config: string; routes: readonly string[] }[] {
  return [
    { config: ONE_WORKER, routes: STRATEGIES },
    { config: TWO_WORKERS, routes: STRATEGIES },
    { config: STATELESS, routes: ['jwt'] },
  ];
}

function fromNumbers(numbers: Readonly<Record<string, number>>, value: number): Measured | null {
  const apiUs = numbers.apiCpuUsPerRequest;
  if (apiUs === undefined || apiUs <= 0 || value <= 0) return null;
  return {
    reqPerSec: value,
    ...(numbers.reqPerSecLow === undefined ? {} : { low: numbers.reqPerSecLow }),
    ...(numbers.reqPerSecHigh === undefined ? {} : { high: numbers.reqPerSecHigh }),
    apiUs,
    redisUs: numbers.redisCpuUsPerRequest ?? 0,
    postgresUs: numbers.postgresCpuUsPerRequest ?? 0,
    ...(numbers.stealShare === undefined ? {} : { steal: numbers.stealShare }),
  };
}

/** http-throughput's figures from earlier in this run, or the reason they cannot be used. */
function fromEarlier(cases: readonly CaseInput[]): Map<string, Measured> | string {
  const found = new Map<string, Measured>();
  const absent: string[] = [];
  for (const { config, routes } of plan()) {
    for (const route of routes) {
      const entry = cases.find((candidate) => candidate.id === httpCaseId(config, route));
      const measured = entry === undefined ? null : fromNumbers(entry.numbers, entry.value);
      if (measured !== null) found.set(key(config, route), measured);
      // The 2-worker points only validate the model: those http-throughput measured are enough.
      else if (config !== TWO_WORKERS) absent.push(httpCaseId(config, route));
    }
  }
  if (absent.length === 0) return found;
  return cases.some((entry) => entry.family === 'http-throughput')
    ? `http-throughput ran but lacks ${absent.join(', ')} (or their CPU per request)`
    : 'http-throughput did not run in this run';
}

function modelRounds(mode: 'quick' | 'full') {
  return mode === 'quick'
    ? { count: 2, durationSec: 0.7, firstWarmupSec: 0.3, warmupSec: 0.2 }
    : { count: 3, durationSec: 1.2, firstWarmupSec: 0.8, warmupSec: 0.3 };
}

/** Measures what the model needs itself: short interleaved rounds per configuration. */
async function measureOwn(ctx: RunContext, scope: FamilyScope): Promise<Map<string, Measured>> {
  const rounds = modelRounds(ctx.sizes.mode);
  const groups = plan();
  const total = rounds.count * groups.reduce((sum, group) => sum + group.routes.length, 0);
  let done = 0;
  const found = new Map<string, Measured>();
  for (const { config, routes } of groups) {
    const api = await ctx.apis.get(config);
    const servers = await api.meteredServers();
    const entries: RoundRoute[] = [];
    for (const route of routes) {
      entries.push({
        key: route,
        label: `GET /${route}/protected`,
        spec: {
          url: `${api.baseUrl}/${route}/protected`,
          headers: (await api.credential(route)).headers,
          servers,
        },
      });
    }
    const byRoute = await runRounds(entries, rounds.count, (entry, round): Promise<LoadResult> => {
      scope.step(`measuring ${config} · round ${round + 1}/${rounds.count} · ${entry.label}`, done, total);
      done += 1;
      return ctx.loadgen.run(entry.spec, {
        durationSec: rounds.durationSec,
        warmupSec: round === 0 ? rounds.firstWarmupSec : rounds.warmupSec,
      });
    });
    for (const route of routes) {
      const id = `scale-model/measured/${config}/${route}`;
      const [throughput] = roundCases(
        byRoute.get(route) ?? [],
        ctx.sizes.load.connections,
        {
          id,
          label: `measured for the model: ${route} GET /${route}/protected — ${api.config.description}`,
          baselineId: id,
          params: { config, route, workers: api.config.workers, measured: true },
        },
        false,
      );
      if (throughput === undefined) continue;
      scope.add(throughput);
      const measured = fromNumbers(throughput.numbers, throughput.value);
      if (measured !== null) found.set(key(config, route), measured);
    }
  }
  return found;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] as number) + (sorted[Math.ceil(middle)] as number)) / 2;
};

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '∞');

export const scaleModel: Family = {
  id: 'scale-model',
  title: 'Scale model (a model, not a measurement): throughput against API cores and Redis shards',
  description:
    'Projected req/s of each strategy against API cores (1–64, one worker per core) and Redis shards, from the API’s and Redis’s measured CPU per request: stateless JWT grows with cores; strategies with a Redis look-up are capped at shards × 1e6 ÷ Redis µs per request. Validated against the measured 1- and 2-worker points.',
  missing: () => [missingService('redis'), missingService('postgres')].filter((entry) => entry !== null),
  apiConfigs: () => plan().map((group) => group.config),
  estimateSeconds: (ctx) => {
    // Only when http-throughput is not in the run does the model measure for itself.
    const measuresOwn =
      ctx.options.only.length > 0 && !ctx.options.only.some((pattern) => 'http-throughput'.includes(pattern));
    const rounds = modelRounds(ctx.sizes.mode);
    const routes = plan().reduce((sum, group) => sum + group.routes.length, 0);
    return measuresOwn ? routes * rounds.count * (rounds.durationSec + rounds.warmupSec + 0.3) + 5 : 2;
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const earlier = fromEarlier(scope.earlier());
    let measured: Map<string, Measured>;
    let source: string;
    if (typeof earlier === 'string') {
      ctx.progress.log(`scale-model: ${earlier}; measuring the CPU per request it needs itself, briefly`);
      measured = await measureOwn(ctx, scope);
      source = `${earlier}, so this family measured them itself (${modelRounds(ctx.sizes.mode).count} short interleaved rounds per configuration, cases scale-model/measured/…)`;
    } else {
      measured = earlier;
      source = 'http-throughput of this same run (its medians over interleaved rounds)';
    }

    // Cores the API really had here: workers beyond the pinned cores share them.
    const serverCores = ctx.cpu.serverCpus?.length ?? ctx.cpu.cores;
    const oneWorker = STRATEGIES.flatMap((route) => {
      const entry = measured.get(key(ONE_WORKER, route));
      return entry === undefined ? [] : [{ route, entry }];
    });
    if (oneWorker.length === 0) throw new Error(`no ${ONE_WORKER} route was measured: nothing to model`);
    const efficiency = efficiencyOf(
      oneWorker.map(({ entry }) => ({ reqPerSec: entry.reqPerSec, apiUs: entry.apiUs, cores: 1 })),
    );

    const lines: {
      line: string;
      strategy: string;
      store: string;
      cost: RequestCost;
      shards: readonly number[];
    }[] = oneWorker.map(({ route, entry }) => ({
      line: `${route}-redis`,
      strategy: route,
      store: 'redis',
      cost: { apiUs: entry.apiUs, redisUs: entry.redisUs },
      shards: PROJECTED_SHARDS,
    }));
    const stateless = measured.get(key(STATELESS, 'jwt'));
    if (stateless !== undefined) {
      lines.push({
        line: STATELESS_LINE,
        strategy: 'jwt',
        store: 'none',
        cost: { apiUs: stateless.apiUs, redisUs: 0 },
        shards: [0],
      });
    }

    for (const { line, strategy, store, cost, shards } of lines) {
      for (const shardCount of shards) {
        const prefix = store === 'none' ? `scale-model/${line}` : `scale-model/${line}/shards-${shardCount}`;
        for (const cores of PROJECTED_CORES) {
          const projection = project(cost, cores, Math.max(shardCount, 1), PROJECTION_EFFICIENCY);
          scope.add({
            id: `${prefix}/cores-${cores}`,
            label: `model: ${line}, ${cores} API core${cores === 1 ? '' : 's'}${store === 'none' ? ', no store' : `, ${shardCount} Redis shard${shardCount === 1 ? '' : 's'}`}`,
            unit: 'req/s',
            better: 'higher',
            value: projection.reqPerSec,
            numbers: {
              cores,
              shards: shardCount,
              apiCapPerSec: projection.apiCapPerSec,
              ...(Number.isFinite(projection.storeCapPerSec)
                ? { storeCapPerSec: projection.storeCapPerSec }
                : {}),
              limitedByStore: projection.limitedBy === 'redis' ? 1 : 0,
              apiCpuUsPerRequest: cost.apiUs,
              redisCpuUsPerRequest: cost.redisUs,
              efficiency: PROJECTION_EFFICIENCY,
              efficiencyHere: efficiency,
            },
            baselineId: `${prefix}/cores-1`,
            params: { model: true, line, strategy, store, cores, shards: shardCount },
          });
        }
      }
    }

    // Validation: the 1-worker points calibrated the efficiency (in-sample); the 2-worker points did not.
    const validations: string[] = [];
    for (const config of [ONE_WORKER, TWO_WORKERS]) {
      const workers = config === TWO_WORKERS ? 2 : 1;
      const cores = Math.min(workers, serverCores);
      for (const { route, entry: cost } of oneWorker) {
        const point = measured.get(key(config, route));
        if (point === undefined) continue;
        const predictFrom = (from: { apiUs: number; redisUs: number }) =>
          project({ apiUs: from.apiUs, redisUs: from.redisUs }, cores, 1, efficiency).reqPerSec;
        const observed = { value: point.reqPerSec, low: point.low, high: point.high };
        const predicted = predictFrom(cost);
        const check = validate(predicted, observed);
        // The same law on the point's own measured cost: separates "the law fails" from
        // "the 1-worker cost does not carry over" (e.g. extra workers on one core cost CPU).
        const ownCost = predictFrom(point);
        const ownCheck = validate(ownCost, observed);
        const id = `scale-model/validation/${config}/${route}`;
        scope.add({
          id,
          label: `model vs measured: ${route}, ${config} (${workers} worker${workers === 1 ? '' : 's'} on ${cores} core${cores === 1 ? '' : 's'})${config === ONE_WORKER ? ', in-sample' : ''}`,
          unit: 'req/s',
          better: 'higher',
          value: predicted,
          numbers: {
            predicted,
            measured: check.measured,
            ...(point.low === undefined ? {} : { measuredLow: point.low }),
            ...(point.high === undefined ? {} : { measuredHigh: point.high }),
            errorPercent: check.errorPercent,
            withinInterval: check.withinInterval ? 1 : 0,
            predictedFromOwnCost: ownCost,
            errorOwnCostPercent: ownCheck.errorPercent,
            apiCpuUsPerRequest: point.apiUs,
            cores,
            workers,
            efficiency,
          },
          baselineId: id,
          params: { model: true, validation: true, config, strategy: route, cores, workers },
        });
        validations.push(
          `${route}/${config} ${fixed(check.errorPercent, 1)} % (on its own CPU per request ${fixed(ownCheck.errorPercent, 1)} %)`,
        );
      }
    }

    const unmeasured = lines.filter((entry) => entry.store !== 'none' && entry.cost.redisUs <= 0);
    if (unmeasured.length > 0) {
      scope.note(
        `No Redis CPU was measured on the path of ${unmeasured.map((entry) => entry.line).join(', ')} (under one 10 ms /proc tick over a measured window, or no Redis command per request): the model gives ${unmeasured.length === 1 ? 'it' : 'them'} no store cap, which is optimistic if the cost is only below the resolution.`,
      );
    }
    const steal = median(
      [...measured.values()].flatMap((entry) => (entry.steal === undefined ? [] : [entry.steal])),
    );
    scope.note(
      `This is a MODEL. Inputs: API and Redis CPU µs per request from ${source}. Assumptions: the API is CPU-bound with one worker per core, on as many dedicated cores or hosts as needed, each core fully busy (the projection's per-core efficiency is ${PROJECTION_EFFICIENCY * 100} %); CPU per request stays what one worker cost here. This VM gave the 1-worker API only ${(efficiency * 100).toFixed(0)} % of its pinned core (the median over routes; the load generator, Redis and other jobs shared the machine${Number.isFinite(steal) ? `, with ${(steal * 100).toFixed(1)} % steal time during the measurements` : ''}), and that efficiency is used to predict the points measured here; Redis runs commands on one thread, so one shard caps a strategy at 1e6 ÷ Redis µs per request, fully busy; a Redis Cluster multiplies that by its shards, assuming keys spread evenly over the hash slots and no cross-slot commands; the network, PostgreSQL (its own CPU per request is listed, not modelled: it scales with its own cores and replicas) and the load generators never limit.`,
    );
    scope.note(
      `Where the store takes over (API cores at which Redis becomes the limit): ${lines
        .filter((entry) => entry.store !== 'none')
        .map(
          (entry) =>
            `${entry.line} (Redis ${fixed(entry.cost.redisUs, 1)} µs/req, API ${fixed(entry.cost.apiUs)} µs/req): ${PROJECTED_SHARDS.map((shards) => `${fixed(crossoverCores(entry.cost, shards, PROJECTION_EFFICIENCY), 1)} cores at ${shards} shard${shards === 1 ? '' : 's'}`).join(', ')}`,
        )
        .join(
          '; ',
        )}. ${stateless === undefined ? '' : `Stateless JWT (API ${fixed(stateless.apiUs)} µs/req) has no store cap: it grows with cores.`}`,
    );
    scope.note(
      `Validation (predicted − measured, % of measured): ${validations.join(', ')}. The API had ${serverCores} pinned core${serverCores === 1 ? '' : 's'} here, so ${TWO_WORKERS} is predicted on ${Math.min(2, serverCores)} core${Math.min(2, serverCores) === 1 ? '' : 's'}: it tests that throughput follows cores, not workers; the slope past ${serverCores} core${serverCores === 1 ? '' : 's'} is not validated on this machine.`,
    );
  },
};
