import type { TopLevelSpec } from 'vega-lite';

/**
 * What every chart module hands charts.ts: the rows picked from the run and the vega-lite spec
 * drawn from them (charts.ts renders it; a chart with no rows is not written). One definition,
 * so charts.ts, charts-model.ts and charts-tradeoffs.ts cannot drift apart.
 */
type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface ChartSpec {
  readonly file: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly spec: (rows: readonly Row[]) => TopLevelSpec;
}

export const WIDTH = 560;
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
