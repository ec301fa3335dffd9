import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { type ChartSpec, type Row, SCHEMA, WIDTH } from './chart-spec.js';
import { modelCharts } from './charts-model.js';
import { tradeoffCharts } from './charts-tradeoffs.js';
import { addedRttMs, type Figure, figureOf, goalThreshold, relativeTo } from './figures.js';
import type { BenchCase, Results } from './results.js';
import { TRADEOFF_CONTENDERS, tradeoff } from './tradeoff.js';

/**
 * The report's charts, as vega-lite specs compiled to vega and rendered to SVG in Node
 * (`View.toSVG()`, no browser). Rows are picked from the run's cases by family and params, so
 * new cases join their chart and absent ones leave it; a chart with no rows is not written.
 * Every figure with an interval (rounds) or a spread (in-process p10–p90) carries whiskers,
 * and the chart says which of the two they are.
 */
export interface ChartFile {
  readonly file: string;
  readonly title: string;
}

export type ChartInput = Pick<Results, 'cases' | 'mode'> & Partial<Pick<Results, 'targets'>>;

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

/** The figure's columns for a row: value, whisker ends (null without a spread), and text. */
function figureCells(figure: Figure, digits = 0): Row {
  const scale = 10 ** digits;
  const show = (n: number): string => String(Math.round(n * scale) / scale);
  return {
    value: figure.value,
    low: figure.low,
    high: figure.high,
    textAt: Math.max(figure.value, figure.high ?? figure.value),
    text:
      figure.low === null || figure.high === null
        ? show(figure.value)
        : `${show(figure.value)} (${show(figure.low)}–${show(figure.high)})`,
  };
}

function spreadNote(rows: readonly Row[]): string {
  const kinds = new Set(rows.map((row) => row.spread).filter((kind) => kind !== null && kind !== undefined));
  if (kinds.size === 0) return 'no spread recorded in this run';
  return [...kinds]
    .map((kind) =>
      kind === 'interval'
        ? 'whiskers: 95% interval of the median over rounds'
        : 'whiskers: p10–p90 of batch means',
    )
    .join('; ');
}

/** The goal, in the case's unit, of the first target set on `caseId` (null when none). */
function goalOf(input: ChartInput, caseId: string): number | null {
  const target = (input.targets ?? []).find((entry) => entry.caseId === caseId);
  return target === undefined ? null : goalThreshold(target, input.cases);
}

interface BarsOptions {
  readonly title: string;
  readonly subtitle: string | readonly string[];
  /** Keeps groups (e.g. strategies) in this order, missing ones included as empty rows. */
  readonly groupOrder?: readonly string[];
  readonly seriesTitle: string;
}

/**
 * Horizontal bars, one panel per `panel` value (each with its own x scale), `group` on the y
 * axis, `series` side by side within a group; whiskers from `low`–`high`, the goal as a black
 * tick, and the figure as text. No per-layer filters: vega-lite drops a mark whose
 * quantitative field is null (its default `invalid: 'filter'`), and layer transforms inside a
 * facet break its size computation.
 */
function bars(rows: readonly Row[], options: BarsOptions): TopLevelSpec {
  const y = {
    field: 'group',
    type: 'nominal' as const,
    title: null,
    sort: options.groupOrder === undefined ? null : [...options.groupOrder],
    scale: options.groupOrder === undefined ? {} : { domain: [...options.groupOrder] },
    axis: { labelLimit: 220 },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: options.title,
      subtitle: typeof options.subtitle === 'string' ? options.subtitle : [...options.subtitle],
    },
    data: { values: rows.map((row) => ({ ...row })) },
    facet: {
      row: {
        field: 'panel',
        type: 'nominal',
        title: null,
        // Panels in the order the rows first name them (the caller's order), not alphabetical.
        sort: [...new Set(rows.map((row) => String(row.panel)))],
        header: {
          labelAngle: 0,
          labelAlign: 'left',
          labelAnchor: 'start',
          labelOrient: 'top',
          labelFontWeight: 'bold',
        },
      },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: WIDTH - 140,
      // Side by side only when a group holds several series (one bar per group otherwise).
      encoding: rows.some((row) => row.series !== row.group)
        ? { y, yOffset: { field: 'series', type: 'nominal', sort: null } }
        : { y },
      layer: [
        {
          mark: { type: 'bar', tooltip: true },
          encoding: {
            x: { field: 'value', type: 'quantitative', title: null, scale: { zero: true } },
            color: {
              field: 'series',
              type: 'nominal',
              title: options.seriesTitle,
              sort: null,
              // The y axis already names each bar when there is one per group.
              legend: rows.some((row) => row.series !== row.group) ? { orient: 'bottom' } : null,
            },
          },
        },
        {
          mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
          encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
        },
        {
          mark: { type: 'tick', color: '#000', thickness: 3, orient: 'vertical' },
          encoding: { x: { field: 'goal', type: 'quantitative' } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
          encoding: { x: { field: 'textAt', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    },
  };
}

function verifyRows(cases: readonly BenchCase[]): Row[] {
  const rows: Row[] = [];
  for (const entry of cases) {
    const strategies =
      entry.family === 'verify-cost' &&
      (param(entry, 'credential') === 'valid' || param(entry, 'strategy') === 'baseline');
    if (!strategies && entry.family !== 'jwt-libraries') continue;
    const figure = figureOf(entry);
    if (figure === null) continue;
    rows.push({
      name: strategies
        ? param(entry, 'strategy') === 'baseline'
          ? 'HMAC-SHA256 baseline'
          : `${param(entry, 'strategy')} · ${param(entry, 'stores') || param(entry, 'store')}`
        : `${param(entry, 'algorithm')} · ${param(entry, 'library')}`,
      group: strategies ? 'strategies (valid credential)' : `JWT libraries, ${param(entry, 'algorithm')}`,
      spread: figure.spread,
      ...figureCells(figure, 1),
    });
  }
  return rows;
}

/**
 * HTTP cases of the app and its peers (the req/s ones: their `…/cpu` twins carry the same rounds
 * in another unit); the load generator's ceiling has no place on a cost axis.
 */
function httpCases(cases: readonly BenchCase[]): BenchCase[] {
  return cases.filter(
    (entry) =>
      entry.family === 'http-throughput' && entry.unit === 'req/s' && param(entry, 'route') !== 'bare',
  );
}

function httpRelativeRows(input: ChartInput): Row[] {
  const rows: Row[] = [];
  for (const entry of httpCases(input.cases)) {
    // The baseline's own bar is 1.0 by definition: the dashed rule already says it.
    if (entry.baselineId === entry.id) continue;
    const baseline = input.cases.find((candidate) => candidate.id === entry.baselineId);
    if (baseline === undefined) continue;
    const figure = relativeTo(entry, baseline);
    const target = (input.targets ?? []).find(
      (candidate) => candidate.caseId === entry.id && candidate.referenceId === entry.baselineId,
    );
    rows.push({
      config: param(entry, 'config'),
      route: param(entry, 'route'),
      spread: figure.spread,
      goal: target?.goal ?? null,
      ...figureCells(figure, 2),
    });
  }
  return rows;
}

/** A round-measured case's two bars: req/s (with its goal) and server CPU µs per request. */
function throughputAndCpuRows(
  input: ChartInput,
  entry: BenchCase,
  place: { readonly group: string; readonly series: string; readonly cpuPanel: string },
): Row[] {
  const rows: Row[] = [];
  const throughput = figureOf(entry, 'reqPerSec');
  if (throughput !== null) {
    rows.push({
      panel: 'req/s (higher is better)',
      group: place.group,
      series: place.series,
      spread: throughput.spread,
      goal: goalOf(input, entry.id),
      ...figureCells(throughput),
    });
  }
  const cpu = figureOf(entry, 'apiCpuUsPerRequest');
  if (cpu !== null) {
    rows.push({
      panel: place.cpuPanel,
      group: place.group,
      series: place.series,
      spread: cpu.spread,
      goal: null,
      ...figureCells(cpu),
    });
  }
  return rows;
}

function httpAbsoluteRows(input: ChartInput): Row[] {
  return httpCases(input.cases).flatMap((entry) =>
    throughputAndCpuRows(input, entry, {
      group: `${param(entry, 'config')} (${param(entry, 'workers') || '?'} worker${param(entry, 'workers') === '1' ? '' : 's'})`,
      series: param(entry, 'route'),
      cpuPanel: 'API process CPU µs per request (lower is better)',
    }),
  );
}

/**
 * In-process heap deltas can come out negative (GC noise larger than the state): a negative
 * "bytes per login" is impossible, so it is drawn at 0 and labelled with what was measured.
 */
function stateRows(cases: readonly BenchCase[]): Row[] {
  return cases
    .filter((entry) => entry.family === 'server-state' && entry.unit === 'bytes/login')
    .map((entry) => {
      const measured = entry.numbers.bytesPerLogin ?? entry.value;
      return {
        logins: Number(entry.params.activeLogins),
        bytes: Math.max(0, measured),
        // Below −0.5 B it is a visible negative; a rounding-size one is simply 0.
        clamped:
          measured <= -0.5
            ? `${param(entry, 'strategy')} · ${param(entry, 'store')} at ${String(entry.params.activeLogins)}: ${Math.round(measured)} B`
            : null,
        strategy: param(entry, 'strategy'),
        store: param(entry, 'store'),
      };
    })
    .filter((row) => Number.isFinite(row.logins) && row.logins > 0);
}

function rttRows(cases: readonly BenchCase[]): Row[] {
  const rows: Row[] = [];
  for (const entry of cases) {
    if (entry.family !== 'store-distance' || entry.params.strategy === undefined) continue;
    const rtt = addedRttMs(entry);
    const p50 = figureOf(entry, 'p50Ms');
    if (rtt === null || p50 === null) continue;
    rows.push({
      rtt: rtt.ms,
      measured: rtt.measured ? 'measured' : 'nominal',
      strategy: param(entry, 'strategy'),
      spread: p50.spread,
      ...figureCells(p50, 2),
    });
  }
  return rows;
}

function itsdangerousRows(input: ChartInput): Row[] {
  const rows: Row[] = [];
  for (const entry of input.cases) {
    if (entry.family !== 'itsdangerous') continue;
    const figure = figureOf(entry);
    if (figure === null) continue;
    rows.push({
      panel: `${param(entry, 'operation')} (${param(entry, 'operation') === 'loads' ? 'verify + decode' : 'encode + sign'}), µs (lower is better)`,
      group: param(entry, 'digest'),
      series: param(entry, 'contender'),
      spread: figure.spread,
      goal: goalOf(input, entry.id),
      ...figureCells(figure, 1),
    });
  }
  return rows;
}

function tutorialRows(input: ChartInput): Row[] {
  // The req/s cases carry both figures; their …/cpu twins would draw the CPU bars twice.
  return input.cases
    .filter((entry) => entry.family === 'tutorial-peer' && entry.unit === 'req/s')
    .flatMap((entry) =>
      throughputAndCpuRows(input, entry, {
        group: param(entry, 'route'),
        series: param(entry, 'server'),
        cpuPanel: 'server CPU µs per request (lower is better)',
      }),
    );
}

function tradeoffRows(cases: readonly BenchCase[]): { rows: Row[]; omitted: readonly string[] } {
  const { rows, omitted } = tradeoff(cases);
  return {
    rows: rows.map((row) => ({
      panel: row.metric,
      group: row.strategy,
      series: row.strategy,
      spread: row.figure.spread,
      goal: null,
      ...figureCells(row.figure),
      text: row.text,
    })),
    omitted,
  };
}

/** Config on x, routes side by side within it: shared by every layer of http-relative.svg. */
const routeX = {
  x: { field: 'config', type: 'nominal', title: null, axis: { labelAngle: 0 } },
  xOffset: { field: 'route', type: 'nominal' },
} as const;

function chartSpecs(input: ChartInput): ChartSpec[] {
  const suffix = input.mode === 'quick' ? ' (quick run)' : '';
  const traded = tradeoffRows(input.cases);
  return [
    {
      file: 'tradeoffs.svg',
      title: 'Which strategy for me: CPU per request, revocation bound, server state, credential bytes',
      rows: traded.rows,
      spec: (rows) =>
        bars(rows, {
          title: `Which strategy for me — the four costs, measured in this run${suffix}`,
          subtitle: [
            `${spreadNote(rows)}; each panel has its own scale`,
            ...(traded.omitted.length === 0
              ? []
              : ['not measured in this run, so not drawn:', ...traded.omitted]),
          ],
          groupOrder: TRADEOFF_CONTENDERS.map((who) => who.label),
          seriesTitle: 'strategy',
        }),
    },
    {
      file: 'verify-cost.svg',
      title: 'Verification cost by strategy and library',
      rows: verifyRows(input.cases),
      spec: (rows) => ({
        $schema: SCHEMA,
        title: {
          text: `Verification cost, median µs per credential (log scale)${suffix}`,
          subtitle: spreadNote(rows),
        },
        data: { values: rows.map((row) => ({ ...row })) },
        width: WIDTH,
        encoding: {
          y: { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: 440 } },
        },
        layer: [
          {
            transform: [{ filter: 'isValid(datum.low) && isValid(datum.high) && datum.low > 0' }],
            mark: { type: 'rule', color: '#555' },
            encoding: {
              x: { field: 'low', type: 'quantitative', scale: { type: 'log' } },
              x2: { field: 'high' },
            },
          },
          {
            // Points, not bars: a log scale has no zero for a bar to start from.
            mark: { type: 'point', filled: true, size: 90, tooltip: true },
            encoding: {
              x: {
                field: 'value',
                type: 'quantitative',
                scale: { type: 'log' },
                title: 'µs (lower is better)',
              },
              color: {
                field: 'group',
                type: 'nominal',
                title: null,
                legend: { orient: 'bottom', columns: 2, labelLimit: 320 },
              },
            },
          },
        ],
      }),
    },
    {
      file: 'http-absolute.svg',
      title: 'HTTP: requests per second and API CPU per request, with intervals',
      rows: httpAbsoluteRows(input),
      spec: (rows) =>
        bars(rows, {
          title: `GET /<strategy>/protected and the baseline: req/s and server CPU per request${suffix}`,
          subtitle: `${spreadNote(rows)}; black tick: a target's goal`,
          seriesTitle: 'route',
        }),
    },
    {
      file: 'http-relative.svg',
      title: 'Requests per second relative to the baseline route',
      rows: httpRelativeRows(input),
      spec: (rows) => ({
        $schema: SCHEMA,
        title: {
          text: `GET /<strategy>/protected req/s ÷ GET /strategies req/s, same process${suffix}`,
          subtitle: [
            `${spreadNote(rows)} (of per-round ratios)`,
            "black tick: the target's goal; dashed: the baseline (1.0)",
          ],
        },
        data: { values: rows.map((row) => ({ ...row })) },
        width: WIDTH,
        layer: [
          {
            mark: { type: 'bar', tooltip: true },
            encoding: {
              ...routeX,
              y: { field: 'value', type: 'quantitative', title: '× baseline (higher is better)' },
              color: { field: 'route', type: 'nominal', title: 'route', legend: { orient: 'bottom' } },
            },
          },
          {
            transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
            mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
            encoding: { ...routeX, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
          },
          {
            transform: [{ filter: 'isValid(datum.goal)' }],
            mark: { type: 'tick', color: '#000', thickness: 3, orient: 'horizontal' },
            encoding: { ...routeX, y: { field: 'goal', type: 'quantitative' } },
          },
          { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: 1 } } },
        ],
      }),
    },
    {
      file: 'state-bytes.svg',
      title: 'Server state per active login',
      rows: stateRows(input.cases),
      spec: (rows) => ({
        $schema: SCHEMA,
        title: {
          text: `Server state per active login, bytes${suffix}`,
          subtitle: [
            'memory: in-process heap delta (noisy); redis: MEMORY USAGE of the keys',
            ...(rows.some((row) => row.clamped !== null)
              ? [
                  'red ring: measured negative (GC noise, not a saving), drawn at 0:',
                  ...rows
                    .map((row) => row.clamped)
                    .filter((note): note is string => typeof note === 'string'),
                ]
              : []),
          ],
        },
        data: { values: rows.map((row) => ({ ...row })) },
        width: WIDTH,
        encoding: {
          x: {
            field: 'logins',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'active logins (log scale)',
          },
          y: { field: 'bytes', type: 'quantitative', title: 'bytes per login', scale: { domainMin: 0 } },
        },
        layer: [
          {
            mark: { type: 'line', point: true, tooltip: true },
            encoding: {
              color: { field: 'strategy', type: 'nominal', legend: { orient: 'bottom' } },
              // One legend for the store (shape); the dash follows it without a second legend.
              strokeDash: { field: 'store', type: 'nominal', legend: null },
              shape: { field: 'store', type: 'nominal', legend: { orient: 'bottom' } },
            },
          },
          {
            transform: [{ filter: 'isValid(datum.clamped)' }],
            mark: { type: 'point', shape: 'circle', filled: false, size: 220, strokeWidth: 2, color: '#a00' },
          },
        ],
      }),
    },
    {
      file: 'store-rtt.svg',
      title: 'Latency against store round-trip time',
      rows: rttRows(input.cases),
      spec: (rows) => {
        const nominal = rows.some((row) => row.measured === 'nominal');
        return {
          $schema: SCHEMA,
          title: {
            text: `p50 latency of GET /<strategy>/protected against added Redis RTT${suffix}`,
            subtitle: `x: ${nominal ? 'NOMINAL proxy setting where no measured RTT was recorded (hollow points)' : 'measured (proxied PING − direct PING)'}; ${spreadNote(rows)}`,
          },
          data: { values: rows.map((row) => ({ ...row })) },
          width: WIDTH,
          encoding: {
            x: {
              field: 'rtt',
              type: 'quantitative',
              title: nominal
                ? 'added Redis RTT, ms (nominal where not measured)'
                : 'added Redis RTT, ms (measured)',
            },
            color: { field: 'strategy', type: 'nominal', legend: { orient: 'bottom' } },
          },
          layer: [
            {
              mark: { type: 'line', point: true, tooltip: true },
              encoding: {
                y: { field: 'value', type: 'quantitative', title: 'p50 latency, ms (lower is better)' },
              },
            },
            {
              transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
              mark: { type: 'rule' },
              encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
            },
            {
              transform: [{ filter: "datum.measured === 'nominal'" }],
              mark: { type: 'point', filled: false, size: 120, color: '#000' },
              encoding: { y: { field: 'value', type: 'quantitative' }, color: { value: '#000' } },
            },
          ],
        };
      },
    },
    {
      file: 'itsdangerous.svg',
      title: 'itsdangerous: the port against node:crypto and Python',
      rows: itsdangerousRows(input),
      spec: (rows) =>
        bars(rows, {
          title: `itsdangerous loads / dumps, median µs: port vs node:crypto vs Python${suffix}`,
          subtitle: `${spreadNote(rows)}; black tick: the µs the port must reach for a target's goal`,
          seriesTitle: 'implementation',
        }),
    },
    {
      file: 'tutorial-peer.svg',
      title: 'The Flask tutorial apps against authbench',
      rows: tutorialRows(input),
      spec: (rows) =>
        bars(rows, {
          title: `The Flask tutorial apps against authbench, same machine, same run${suffix}`,
          subtitle: `${spreadNote(rows)}; black tick: a target's goal`,
          seriesTitle: 'server',
        }),
    },
    ...modelCharts(input.cases, suffix),
    ...tradeoffCharts(input.cases, suffix),
  ];
}

export async function writeCharts(input: ChartInput, dir: string): Promise<ChartFile[]> {
  const written: ChartFile[] = [];
  for (const chart of chartSpecs(input)) {
    if (chart.rows.length === 0) continue;
    await writeFile(join(dir, chart.file), await render(chart.spec(chart.rows)));
    written.push({ file: chart.file, title: chart.title });
  }
  return written;
}

/** The vega-lite specs this input would draw, by file (for tests: compile without writing). */
export function chartSpecsFor(
  input: ChartInput,
): { file: string; rows: readonly Row[]; spec: TopLevelSpec }[] {
  return chartSpecs(input)
    .filter((chart) => chart.rows.length > 0)
    .map((chart) => ({ file: chart.file, rows: chart.rows, spec: chart.spec(chart.rows) }));
}
