import type { TopLevelSpec } from 'vega-lite';
import { type ChartSpec, type Row, SCHEMA, WIDTH } from './chart-spec.js';
import type { BenchCase } from './results.js';

/**
 * Charts of the trade-off families (revocation-scale, login-cost, many-credentials, refresh):
 * each point or bar is a median of interleaved rounds with its 95 % interval drawn as an error
 * bar. charts.ts renders them with its own; a chart whose data the run did not produce is skipped.
 */

/** The case's interval (`low`/`high`), or the value itself when it was measured once. */
function bounds(entry: BenchCase): { low: number; high: number } {
  return { low: entry.numbers.low ?? entry.value, high: entry.numbers.high ?? entry.value };
}

function rowsOf(cases: readonly BenchCase[], family: string, make: (entry: BenchCase) => Row | null): Row[] {
  const rows: Row[] = [];
  for (const entry of cases) {
    if (entry.family !== family) continue;
    const row = make(entry);
    if (row !== null) rows.push(row);
  }
  return rows;
}

/** Horizontal bars with their interval, one per row `name`, coloured by `group`. */
function barsWithInterval(title: string, axis: string, rows: readonly Row[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    data: { values: rows },
    width: WIDTH,
    encoding: { y: { field: 'name', type: 'nominal', title: null, sort: null } },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'value', type: 'quantitative', title: axis },
          color: { field: 'group', type: 'nominal', legend: { orient: 'bottom' } },
        },
      },
      {
        mark: { type: 'rule' },
        encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
    ],
  };
}

export function tradeoffCharts(cases: readonly BenchCase[], suffix: string): ChartSpec[] {
  return [
    {
      file: 'revocation-scale.svg',
      title: 'Verify cost against revoked credentials held',
      rows: rowsOf(cases, 'revocation-scale', (entry) =>
        entry.id.startsWith('revocation-scale/verify/')
          ? {
              revoked: Math.max(1, Number(entry.params.revoked)),
              value: entry.value,
              ...bounds(entry),
              line: `${String(entry.params.strategy)} · ${String(entry.params.credential)}`,
            }
          : null,
      ),
      spec: (rows) => ({
        $schema: SCHEMA,
        title: `Verify µs against revoked credentials in the in-process denylist (0 drawn at 1)${suffix}`,
        data: { values: rows },
        width: WIDTH,
        encoding: {
          x: {
            field: 'revoked',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'revoked credentials held (log scale)',
          },
          color: { field: 'line', type: 'nominal', legend: { orient: 'bottom' } },
        },
        layer: [
          {
            mark: { type: 'line', point: true, tooltip: true },
            encoding: {
              y: { field: 'value', type: 'quantitative', title: 'median µs per verify (95 % interval)' },
            },
          },
          {
            mark: { type: 'rule' },
            encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
          },
        ],
      }),
    },
    {
      file: 'login-cost.svg',
      title: 'Login cost',
      rows: rowsOf(cases, 'login-cost', (entry) => ({
        name: entry.id.replace('login-cost/', ''),
        group: String(entry.params.strategy) === 'none' ? 'Argon2id alone' : 'password login + issue',
        value: entry.numbers.cpuMs ?? entry.value,
        low: entry.numbers.cpuMsLow ?? entry.value,
        high: entry.numbers.cpuMsHigh ?? entry.value,
      })),
      spec: (rows) =>
        barsWithInterval(`Login cost, process CPU ms per login (95 % interval)${suffix}`, 'CPU ms', rows),
    },
    {
      file: 'many-credentials.svg',
      title: 'One hot credential against many distinct ones',
      rows: rowsOf(cases, 'many-credentials', (entry) => ({
        name: `${String(entry.params.strategy)} · ${String(entry.params.pattern)}`,
        group: String(entry.params.pattern),
        value: entry.value,
        ...bounds(entry),
      })),
      spec: (rows) =>
        barsWithInterval(
          `Verify µs, one hot credential vs many distinct (95 % interval)${suffix}`,
          'median µs per verify',
          rows,
        ),
    },
    {
      file: 'refresh.svg',
      title: 'Refresh rotation cost',
      rows: rowsOf(cases, 'refresh', (entry) => ({
        name: `${String(entry.params.strategy)} (${String(entry.params.revocation)}) · ${String(entry.params.operation)}`,
        group: String(entry.params.operation),
        value: entry.value,
        ...bounds(entry),
      })),
      spec: (rows) =>
        barsWithInterval(
          `Refresh rotation beside issue and verify, µs (95 % interval)${suffix}`,
          'median µs',
          rows,
        ),
    },
  ];
}
