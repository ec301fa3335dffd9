import type { BenchCase, FamilyId } from './results.js';

/** Table columns of the open-loop and scale-model families in latest.md (report-md.ts asks here first). */
export interface ReportColumn {
  readonly title: string;
  readonly cell: (entry: BenchCase) => string;
}

type Format = (value: number | undefined) => string;

/** A figure with its interval when one was recorded (`<key>Low`, `<key>High`): `3 800 (3 631–3 987)`. */
export function intervalColumn(key: string, title: string, format: Format): ReportColumn {
  return {
    title,
    cell: (entry) => {
      const low = entry.numbers[`${key}Low`];
      const high = entry.numbers[`${key}High`];
      const value = format(entry.numbers[key]);
      return low === undefined || high === undefined || low === high
        ? value
        : `${value} (${format(low)}–${format(high)})`;
    },
  };
}

export function modelColumns(
  family: FamilyId | undefined,
  unit: string,
  format: Format,
): ReportColumn[] | null {
  const number = (key: string, title: string): ReportColumn => ({
    title,
    cell: (entry) => format(entry.numbers[key]),
  });
  if (family === 'open-loop' && unit === 'ms') {
    return [
      number('offeredPerSec', 'offered req/s'),
      number('achievedPerSec', 'achieved req/s'),
      intervalColumn('p50Ms', 'p50 ms (bootstrap interval)', format),
      intervalColumn('p99Ms', 'p99 ms', format),
      intervalColumn('p999Ms', 'p99.9 ms', format),
      {
        title: 'errors / time-outs / non-2xx',
        cell: (entry) =>
          `${format(entry.numbers.errors)} / ${format(entry.numbers.timeouts)} / ${format(entry.numbers.non2xx)}`,
      },
      number('apiCpuUsPerRequest', 'server CPU µs/req'),
      number('backlogMax', 'max in flight'),
      {
        title: 'recovery after → 50 %',
        cell: (entry) =>
          entry.numbers.recoveryWindowSec === undefined
            ? '—'
            : entry.numbers.recoveryMs === undefined
              ? `> ${format(entry.numbers.recoveryWindowSec)} s`
              : `${format(entry.numbers.recoveryMs)} ms`,
      },
    ];
  }
  if (family === 'open-loop' && unit === 'req/s') {
    return [
      number('reqPerSec', 'capacity req/s'),
      number('p50Ms', 'p50 ms (closed loop)'),
      number('p99Ms', 'p99 ms (closed loop)'),
      number('apiCpuUsPerRequest', 'server CPU µs/req'),
    ];
  }
  if (family === 'scale-model' && unit === 'req/s') {
    return [
      { title: 'req/s (model, or measured for the model)', cell: (entry) => format(entry.value) },
      number('cores', 'API cores'),
      number('shards', 'Redis shards'),
      {
        title: 'limited by',
        cell: (entry) =>
          entry.numbers.limitedByStore === undefined
            ? '—'
            : entry.numbers.limitedByStore === 1
              ? 'Redis'
              : 'API CPU',
      },
      number('apiCpuUsPerRequest', 'API µs/req'),
      number('redisCpuUsPerRequest', 'Redis µs/req'),
      {
        title: 'measured (interval)',
        cell: (entry) =>
          entry.numbers.measured === undefined
            ? '—'
            : `${format(entry.numbers.measured)} (${format(entry.numbers.measuredLow)}–${format(entry.numbers.measuredHigh)})`,
      },
      number('errorPercent', 'model error %'),
      number('errorOwnCostPercent', 'error % on its own CPU/req'),
    ];
  }
  return null;
}
