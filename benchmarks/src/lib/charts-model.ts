import { type ChartSpec, type Row, WIDTH } from './chart-spec.js';
import type { BenchCase } from './results.js';

/**
 * The charts of the open-loop and scale-model families (vega-lite, rendered by charts.ts):
 * kept apart from charts.ts so that each family's chart changes in its own file.
 */
const PERCENTILES = [
  ['p50Ms', 'p50'],
  ['p99Ms', 'p99'],
  ['p999Ms', 'p99.9'],
] as const;

function openLoopRows(cases: readonly BenchCase[]): Row[] {
  return cases
    .filter((entry) => entry.family === 'open-loop' && entry.unit === 'ms')
    .flatMap((entry) =>
      PERCENTILES.map(([key, percentile]) => ({
        route: String(entry.params.route ?? ''),
        offered: Number(entry.numbers.offeredPct),
        percentile,
        // A log scale has no zero: a sub-microsecond reading would vanish, so it is floored.
        ms: Math.max(entry.numbers[key] ?? 0, 0.01),
        // The bootstrap interval over the run's requests (open-loop-bootstrap.ts), when recorded.
        low: Math.max(entry.numbers[`${key}Low`] ?? entry.numbers[key] ?? 0, 0.01),
        high: Math.max(entry.numbers[`${key}High`] ?? entry.numbers[key] ?? 0, 0.01),
      })),
    );
}

function scaleRows(cases: readonly BenchCase[]): Row[] {
  const rows: Row[] = [];
  for (const entry of cases) {
    if (entry.family !== 'scale-model') continue;
    if (entry.params.validation === true) {
      rows.push({
        line: `${String(entry.params.strategy)}-redis`,
        config: String(entry.params.config),
        cores: Number(entry.numbers.cores),
        reqPerSec: Number(entry.numbers.measured),
        kind: 'measured',
      });
    } else if (entry.params.model === true) {
      const shards = Number(entry.params.shards);
      rows.push({
        line: String(entry.params.line),
        shards: shards === 0 ? 'no store' : `${shards} Redis shard${shards === 1 ? '' : 's'}`,
        cores: Number(entry.params.cores),
        reqPerSec: entry.value,
        kind: 'model',
      });
    }
  }
  return rows;
}

export function modelCharts(cases: readonly BenchCase[], suffix: string): ChartSpec[] {
  return [
    {
      file: 'open-loop.svg',
      title: 'Open-loop latency against offered load',
      rows: openLoopRows(cases),
      spec: (rows) => ({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: {
          text: `Latency from the scheduled send time against offered load (% of capacity), log scale${suffix}`,
          subtitle:
            'whiskers: 95% moving-block bootstrap interval over the requests of each run (not over repeated runs)',
        },
        data: { values: rows },
        width: WIDTH,
        encoding: {
          x: { field: 'offered', type: 'quantitative', title: 'offered load, % of closed-loop capacity' },
          color: { field: 'route', type: 'nominal', legend: { orient: 'bottom' } },
        },
        layer: [
          {
            mark: { type: 'line', point: true, tooltip: true },
            encoding: {
              y: {
                field: 'ms',
                type: 'quantitative',
                scale: { type: 'log' },
                title: 'latency, ms (log, lower is better)',
              },
              strokeDash: {
                field: 'percentile',
                type: 'nominal',
                legend: { orient: 'bottom', symbolType: 'stroke' },
              },
            },
          },
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: {
              y: { field: 'low', type: 'quantitative', scale: { type: 'log' } },
              y2: { field: 'high' },
            },
          },
        ],
      }),
    },
    {
      file: 'scale-model.svg',
      title: 'Scale model: projected req/s against API cores',
      rows: scaleRows(cases),
      spec: (rows) => ({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `MODEL: req/s against dedicated API cores (log–log); points: measured on this shared VM${suffix}`,
        data: { values: rows },
        width: WIDTH,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'model'" }],
            mark: { type: 'line', tooltip: true },
            encoding: {
              x: { field: 'cores', type: 'quantitative', scale: { type: 'log' }, title: 'API cores (log)' },
              y: { field: 'reqPerSec', type: 'quantitative', scale: { type: 'log' }, title: 'req/s (log)' },
              color: {
                field: 'line',
                type: 'nominal',
                title: 'strategy · store',
                legend: { orient: 'bottom' },
              },
              strokeDash: {
                field: 'shards',
                type: 'nominal',
                title: 'model',
                legend: { orient: 'bottom', symbolType: 'stroke' },
              },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'measured'" }],
            mark: { type: 'point', filled: true, size: 80, tooltip: true },
            encoding: {
              x: { field: 'cores', type: 'quantitative', scale: { type: 'log' } },
              y: { field: 'reqPerSec', type: 'quantitative', scale: { type: 'log' } },
              color: { field: 'line', type: 'nominal' },
              shape: { field: 'config', type: 'nominal', title: 'measured', legend: { orient: 'bottom' } },
            },
          },
        ],
      }),
    },
  ];
}
