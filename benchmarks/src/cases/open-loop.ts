import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { STRATEGIES, type StrategyName } from '../lib/http.js';
import type { MeteredServer } from '../lib/loadgen.js';
import { summarizeOverload, summarizeWindow, type WindowSummary } from '../lib/open-loop.js';
import { percentileIntervals } from '../lib/open-loop-bootstrap.js';
import { OpenLoopGenerator } from '../lib/open-loop-generator.js';
import { treeCpuMs } from '../lib/proc.js';

/**
 * Open-loop latency: each route first gets its capacity (closed-loop req/s, briefly), then a
 * Poisson schedule offers 25/50/75/90 % of it, and finally 110 % followed by a drop back to
 * 50 %, to see what happens past capacity (errors, time-outs, queue growth) and how long the
 * queue takes to drain. Latency runs from each request's scheduled send time (open-loop.ts).
 */
const CONFIG = 'memory-1w';
const BASELINE_PATH = '/strategies';
const LEVELS = [25, 50, 75, 90] as const;
const OVERLOAD = 110;
const RECOVERY = 50;

interface OpenLoopSizes {
  readonly capacityWarmupSec: number;
  readonly capacitySec: number;
  readonly levelSec: number;
  readonly recoverySec: number;
  readonly timeoutMs: number;
  readonly maxSockets: number;
}

function openLoopSizes(mode: 'quick' | 'full'): OpenLoopSizes {
  return mode === 'quick'
    ? {
        capacityWarmupSec: 0.3,
        capacitySec: 0.7,
        levelSec: 0.5,
        recoverySec: 1,
        timeoutMs: 1_000,
        maxSockets: 256,
      }
    : {
        capacityWarmupSec: 1,
        capacitySec: 2,
        levelSec: 3,
        recoverySec: 3,
        timeoutMs: 2_000,
        maxSockets: 256,
      };
}

type Route = StrategyName | 'baseline';

export function openLoopCaseId(config: string, route: Route, level: number | 'capacity'): string {
  return `open-loop/${config}/${route}/${level}`;
}

function windowNumbers(summary: WindowSummary): Record<string, number> {
  return { ...summary };
}

export const openLoop: Family = {
  id: 'open-loop',
  title: 'Open-loop latency against offered load',
  description: `Latency of GET /<strategy>/protected and the baseline GET ${BASELINE_PATH} (${CONFIG}) under a fixed offered rate — a Poisson schedule at ${LEVELS.join('/')} % and ${OVERLOAD} % of the route's measured closed-loop capacity — measured from each request's scheduled send time (no coordinated omission); node:http keep-alive generator pinned to the load CPU.`,
  missing: () => [],
  apiConfigs: () => [CONFIG],
  estimateSeconds: (ctx) => {
    const sizes = openLoopSizes(ctx.sizes.mode);
    const perRoute =
      sizes.capacityWarmupSec +
      sizes.capacitySec +
      (LEVELS.length + 1) * sizes.levelSec +
      sizes.recoverySec +
      (LEVELS.length + 2) * 0.3;
    return (STRATEGIES.length + 1) * perRoute + 3;
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const sizes = openLoopSizes(ctx.sizes.mode);
    const api = await ctx.apis.get(CONFIG);
    const servers: MeteredServer[] = (await api.meteredServers()).filter((server) => server.name === 'api');
    const apiPid = servers[0]?.pid;
    const routes: Route[] = ['baseline', ...STRATEGIES];
    const total = routes.length * (LEVELS.length + 2);
    let done = 0;
    const generator = new OpenLoopGenerator(ctx.registry, ctx.cpu);
    const apiCpuMs = async () => (apiPid === undefined ? null : treeCpuMs(apiPid));
    try {
      for (const [routeIndex, route] of routes.entries()) {
        const path = route === 'baseline' ? BASELINE_PATH : `/${route}/protected`;
        const headers = route === 'baseline' ? {} : (await api.credential(route)).headers;
        const url = `${api.baseUrl}${path}`;
        const label = route === 'baseline' ? `baseline GET ${BASELINE_PATH}` : `${route} GET ${path}`;

        scope.step(`${route}: capacity (closed loop)`, done, total);
        const capacity = await ctx.loadgen.run(
          { url, headers, servers },
          { durationSec: sizes.capacitySec, warmupSec: sizes.capacityWarmupSec },
        );
        done += 1;
        if (capacity.reqPerSec <= 0) throw new Error(`${label}: no request completed in the capacity run`);
        const apiCpu = capacity.serverCpuMs.api;
        scope.add({
          id: openLoopCaseId(CONFIG, route, 'capacity'),
          label: `${label}: capacity, closed loop (${ctx.sizes.load.connections} connections)`,
          unit: 'req/s',
          better: 'higher',
          value: capacity.reqPerSec,
          numbers: {
            reqPerSec: capacity.reqPerSec,
            p50Ms: capacity.latencyMs.p50,
            p99Ms: capacity.latencyMs.p99,
            errors: capacity.errors,
            non2xx: capacity.non2xx,
            loadgenCpuShare: capacity.loadgenCpuShare,
            ...(apiCpu === undefined || capacity.requests === 0
              ? {}
              : { apiCpuUsPerRequest: (apiCpu * 1000) / capacity.requests }),
          },
          baselineId: openLoopCaseId(CONFIG, 'baseline', 'capacity'),
          params: { config: CONFIG, route, level: 'capacity', path },
        });

        /** One open-loop run at `pct` % of capacity (then, optionally, a drop to RECOVERY %). */
        const offer = async (pct: number, seed: number, recoverySec: number) => {
          const phases = [{ ratePerSec: (capacity.reqPerSec * pct) / 100, durationSec: sizes.levelSec }];
          if (recoverySec > 0)
            phases.push({ ratePerSec: (capacity.reqPerSec * RECOVERY) / 100, durationSec: recoverySec });
          const before = await apiCpuMs();
          const result = await generator.run({
            url,
            headers,
            phases,
            kind: 'poisson',
            seed,
            timeoutMs: sizes.timeoutMs,
            maxSockets: sizes.maxSockets,
          });
          const after = await apiCpuMs();
          const served = result.samples.filter(
            (entry) => entry.outcome === 'ok' || entry.outcome === 'non2xx',
          ).length;
          const cpu: Record<string, number> =
            before === null || after === null || served === 0
              ? {}
              : { apiCpuUsPerRequest: ((after - before) * 1000) / served };
          const runSec = phases.reduce((sum, phase) => sum + phase.durationSec, 0);
          return {
            ...result,
            window: summarizeWindow(result.samples, 0, sizes.levelSec * 1000),
            intervals: percentileIntervals(result.samples, 0, sizes.levelSec * 1000),
            cpu: { ...cpu, loadgenCpuShare: result.loadgenCpuMs / 1000 / runSec },
          };
        };
        const addLevel = (
          pct: number,
          window: WindowSummary,
          extra: Record<string, number>,
          notes: string[],
        ) =>
          scope.add({
            id: openLoopCaseId(CONFIG, route, pct),
            label: `${label} at ${pct} % of capacity (${Math.round((capacity.reqPerSec * pct) / 100)} req/s offered)`,
            unit: 'ms',
            better: 'lower',
            // The tail is what an open loop reveals; p50 and p99.9 are in the numbers.
            value: window.p99Ms,
            numbers: {
              ...windowNumbers(window),
              offeredPct: pct,
              targetPerSec: (capacity.reqPerSec * pct) / 100,
              capacityReqPerSec: capacity.reqPerSec,
              ...extra,
            },
            baselineId: openLoopCaseId(CONFIG, route, LEVELS[0]),
            params: { config: CONFIG, route, level: pct, path, schedule: 'poisson' },
            ...(notes.length === 0 ? {} : { notes }),
          });

        let healthyMs = 5;
        for (const [levelIndex, pct] of LEVELS.entries()) {
          scope.step(`${route}: ${pct} % of ${Math.round(capacity.reqPerSec)} req/s`, done, total);
          const run = await offer(pct, routeIndex * 100 + levelIndex, 0);
          done += 1;
          // "Healthy" after overload: within twice the p99 seen at the recovery rate.
          if (pct === RECOVERY) healthyMs = Math.max(5, 2 * run.window.p99Ms);
          const notes =
            run.window.sendLagP99Ms > 5
              ? [
                  `the generator sent late (p99 lag ${run.window.sendLagP99Ms.toFixed(1)} ms), counted as latency`,
                ]
              : [];
          addLevel(pct, run.window, { ...run.cpu, ...run.intervals }, notes);
        }

        scope.step(`${route}: ${OVERLOAD} % then ${RECOVERY} %`, done, total);
        const over = await offer(OVERLOAD, routeIndex * 100 + 99, sizes.recoverySec);
        done += 1;
        const dropMs = sizes.levelSec * 1000;
        const overload = summarizeOverload(
          over.samples,
          { fromMs: 0, dropMs, endMs: dropMs + sizes.recoverySec * 1000 },
          healthyMs,
        );
        const notes: string[] = [];
        if (overload.recoveryMs === null)
          notes.push(`not recovered ${sizes.recoverySec} s after dropping to ${RECOVERY} %`);
        if (over.window.errors + over.window.timeouts > 0)
          notes.push(
            `${over.window.errors} errors and ${over.window.timeouts} time-outs (> ${sizes.timeoutMs} ms)`,
          );
        addLevel(
          OVERLOAD,
          over.window,
          {
            ...over.cpu,
            ...over.intervals,
            backlogMax: overload.backlogMax,
            backlogGrowthPerSec: overload.backlogGrowthPerSec,
            healthyMs,
            recoveryWindowSec: sizes.recoverySec,
            ...(overload.recoveryMs === null ? {} : { recoveryMs: overload.recoveryMs }),
          },
          notes,
        );
      }
    } finally {
      await generator.stop();
    }
    scope.note(
      `Capacity is each route's closed-loop req/s (autocannon, ${ctx.sizes.load.connections} connections, ${sizes.capacitySec} s); the offered rates are percentages of it, sent on a Poisson schedule for ${sizes.levelSec} s each by a node:http keep-alive generator (up to ${sizes.maxSockets} sockets) that never waits for a reply before the next send. Latency runs from the scheduled send time, so queueing in the server, the socket pool or a late generator all count; a request unfinished ${sizes.timeoutMs} ms after its scheduled time is a time-out. The case value is p99; achieved req/s counts 2xx responses that ended inside the window. Each p50/p99/p99.9 carries a 95 % moving-block bootstrap interval (…Low/…High: 100 ms blocks of consecutive requests, 200 resamples) over the requests of that one run: how precisely the run pins its percentiles, not how much a run at another minute would differ.`,
    );
    scope.note(
      `Past capacity: ${OVERLOAD} % for ${sizes.levelSec} s, then ${RECOVERY} % for ${sizes.recoverySec} s. backlogMax is the most requests in flight, backlogGrowthPerSec how fast the queue grew; recoveryMs is the time from the drop until the first 100 ms in which every request succeeded within healthyMs (twice the p99 at ${RECOVERY} %). Capacity comes from a short closed-loop run on a shared 2-core VM, so "110 %" may land below or above the true limit: read achieved req/s.`,
    );
  },
};
