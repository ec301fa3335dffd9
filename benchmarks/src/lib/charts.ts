import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { tradeoffCharts } from './charts-tradeoffs.js';
import type { BenchCase, Results } from './results.js';

/**
 * The four charts of the report, as vega-lite specs compiled to vega and rendered to SVG in
 * Node (`View.toSVG()`, no browser). A chart whose data this run did not produce is skipped.
 */
export interface ChartFile {
  readonly file: string;
  readonly title: string;
}

type Row = Record<string, string | number>;

const WIDTH = 560;

async function render(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function param(entry: BenchCase, key: string): string {
  return String(entry.params[key] ?? '');
}

function verifyRows(cases: readonly BenchCase[]): Row[] {
  const rows: Row[] = [];
  for (const entry of cases) {
    if (
      entry.family === 'verify-cost' &&
      (param(entry, 'credential') === 'valid' || param(entry, 'strategy') === 'baseline')
    ) {
      rows.push({
        name:
          param(entry, 'strategy') === 'baseline'
            ? 'HMAC-SHA256 baseline'
            : `${param(entry, 'strategy')} · ${param(entry, 'store')}`,
        group: 'strategies (valid credential)',
        value: entry.value,
      });
    }
    if (entry.family === 'jwt-libraries') {
      rows.push({
        name: `${param(entry, 'algorithm')} · ${param(entry, 'library')}`,
        group: `JWT libraries, ${param(entry, 'algorithm')}`,
        value: entry.value,
      });
    }
  }
  return rows;
}

function httpRows(cases: readonly BenchCase[]): Row[] {
  return cases
    .filter((entry) => entry.family === 'http-throughput' && param(entry, 'route') !== 'bare')
    .map((entry) => ({
      config: param(entry, 'config'),
      route: param(entry, 'route'),
      relative: entry.ratio,
      reqPerSec: entry.value,
    }));
}

function stateRows(cases: readonly BenchCase[]): Row[] {
  return cases
    .filter((entry) => entry.family === 'server-state' && entry.id.startsWith('server-state/bytes/'))
    .map((entry) => ({
      logins: Number(entry.params.activeLogins),
      bytes: entry.value,
      strategy: param(entry, 'strategy'),
      store: param(entry, 'store'),
    }));
}

function rttRows(cases: readonly BenchCase[]): Row[] {
  return cases
    .filter((entry) => entry.family === 'store-distance' && entry.params.strategy !== undefined)
    .map((entry) => ({
      rtt: Number(entry.params.rttMs),
      p50: Number(entry.numbers.p50Ms),
      reqPerSec: entry.value,
      strategy: param(entry, 'strategy'),
    }));
}

export async function writeCharts(
  results: Pick<Results, 'cases' | 'mode'>,
  dir: string,
): Promise<ChartFile[]> {
  const suffix = results.mode === 'quick' ? ' (quick run)' : '';
  const specs: { file: string; title: string; rows: Row[]; spec: (rows: Row[]) => TopLevelSpec }[] = [
    {
      file: 'verify-cost.svg',
      title: 'Verification cost by strategy and library',
      rows: verifyRows(results.cases),
      spec: (rows) => ({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `Verification cost, median µs per credential (log scale)${suffix}`,
        data: { values: rows },
        width: WIDTH,
        // Points, not bars: a log scale has no zero for a bar to start from.
        mark: { type: 'point', filled: true, size: 90, tooltip: true },
        encoding: {
          y: { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          x: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'µs (lower is better)' },
          color: {
            field: 'group',
            type: 'nominal',
            title: null,
            legend: { orient: 'bottom', columns: 2, labelLimit: 320 },
          },
        },
      }),
    },
    {
      file: 'http-relative.svg',
      title: 'Requests per second relative to the baseline route',
      rows: httpRows(results.cases),
      spec: (rows) => ({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `GET /<strategy>/protected req/s ÷ GET /strategies req/s, same process${suffix}`,
        data: { values: rows },
        width: WIDTH,
        layer: [
          {
            mark: { type: 'bar', tooltip: true },
            encoding: {
              x: { field: 'config', type: 'nominal', title: null, axis: { labelAngle: 0 } },
              xOffset: { field: 'route', type: 'nominal' },
              y: { field: 'relative', type: 'quantitative', title: '× baseline (higher is better)' },
              color: { field: 'route', type: 'nominal', title: 'route', legend: { orient: 'bottom' } },
            },
          },
          { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: 1 } } },
        ],
      }),
    },
    {
      file: 'state-bytes.svg',
      title: 'Server state per active login',
      rows: stateRows(results.cases),
      spec: (rows) => ({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `Server state per active login, bytes${suffix}`,
        data: { values: rows },
        width: WIDTH,
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: {
            field: 'logins',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'active logins (log scale)',
          },
          y: { field: 'bytes', type: 'quantitative', title: 'bytes per login' },
          color: { field: 'strategy', type: 'nominal', legend: { orient: 'bottom' } },
          strokeDash: { field: 'store', type: 'nominal', legend: { orient: 'bottom' } },
          shape: { field: 'store', type: 'nominal', legend: { orient: 'bottom' } },
        },
      }),
    },
    {
      file: 'store-rtt.svg',
      title: 'Latency against store round-trip time',
      rows: rttRows(results.cases),
      spec: (rows) => ({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `p50 latency of GET /<strategy>/protected against added Redis RTT${suffix}`,
        data: { values: rows },
        width: WIDTH,
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: { field: 'rtt', type: 'quantitative', title: 'added Redis round-trip time, ms' },
          y: { field: 'p50', type: 'quantitative', title: 'p50 latency, ms (lower is better)' },
          color: { field: 'strategy', type: 'nominal', legend: { orient: 'bottom' } },
        },
      }),
    },
    ...tradeoffCharts(results.cases, suffix),
  ];
  const written: ChartFile[] = [];
  for (const chart of specs) {
    if (chart.rows.length === 0) continue;
    await writeFile(join(dir, chart.file), await render(chart.spec(chart.rows)));
    written.push({ file: chart.file, title: chart.title });
  }
  return written;
}
