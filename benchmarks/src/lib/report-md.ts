import type { ChartFile } from './charts.js';
import { kernelCosts, machineCondition, readingThisReport } from './reading.js';
import { intervalColumn, modelColumns } from './report-model.js';
import type { BenchCase, FamilyId, ProfileSummary, Results, TargetResult } from './results.js';
import { FAMILY_IDS } from './results.js';
import { aggregateNotes } from './round-notes.js';
import { round } from './stats.js';
import { tradeoff } from './tradeoff.js';

/** latest.md: the environment, the targets, one table per family, the charts and the profiles. */

/** What a cell shows for a figure the case does not have. */
const EMPTY = '—';

function format(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return EMPTY;
  const rounded = round(value, digits);
  return Math.abs(rounded) >= 10_000 ? Math.round(rounded).toLocaleString('en') : String(rounded);
}

function cellText(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cellText).join(' | ')} |`),
  ].join('\n');
}

function versus(entry: BenchCase): string {
  if (entry.baselineId === entry.id) return 'baseline';
  return `${format(entry.ratio)}×`;
}

interface Column {
  readonly title: string;
  readonly cell: (entry: BenchCase) => string;
}

const number = (key: string, title: string): Column => ({
  title,
  cell: (entry) => format(entry.numbers[key]),
});

/** The median with its interval when the case was measured in rounds: `3 800 (3 631–3 987)`. */
const withInterval = (key: string, title: string): Column => intervalColumn(key, title, format);

/**
 * A target as stated: "× as good" (≥ goal), or for a cost ceiling (`readAs: 'cost'`) the case's
 * cost as a multiple of the reference's (≤ 1/goal) — the same verdict, inverted interval.
 */
function targetReading(target: TargetResult): { measured: string; goal: string } {
  const cost = target.readAs === 'cost';
  const view = (ratio: number): number => (cost ? 1 / ratio : ratio);
  const goal = cost ? `≤ ${format(1 / target.goal)}×` : `≥ ${format(target.goal)}×`;
  if (target.measured === null) return { measured: '—', goal };
  if (target.measuredLow === undefined || target.measuredHigh === undefined) {
    return { measured: `${format(view(target.measured))}× (one measurement, no interval)`, goal };
  }
  const [low, high] = cost
    ? [view(target.measuredHigh), view(target.measuredLow)]
    : [target.measuredLow, target.measuredHigh];
  return {
    measured: `${format(view(target.measured))}× (${format(low)}–${format(high)}; ${format((target.coverage ?? 0) * 100)}% interval, ${target.rounds ?? 0} rounds)`,
    goal,
  };
}

function targetStatus(target: TargetResult): string {
  switch (target.status) {
    case 'met':
      return 'met';
    case 'missed':
      return '**missed**';
    case 'inconclusive':
      return (target.coverage ?? 0) < 0.95
        ? `inconclusive (${target.rounds ?? 0} rounds cannot reach 95%)`
        : 'inconclusive (the interval straddles the goal)';
    default:
      return 'not measured';
  }
}

/** Columns by unit: what a reader compares for that kind of measurement. */
function columnsFor(unit: string): Column[] {
  switch (unit) {
    case 'µs':
      // Measured in rounds: the median's interval (`low`–`high`); sampled once: p10–p90, a spread.
      return [
        {
          title: 'median µs (95% interval over rounds)',
          cell: (entry) =>
            entry.numbers.low === undefined || entry.numbers.high === undefined
              ? format(entry.numbers.median)
              : `${format(entry.numbers.median)} (${format(entry.numbers.low)}–${format(entry.numbers.high)})`,
        },
        number('rounds', 'rounds'),
        number('p10', 'p10 (one sample)'),
        number('p90', 'p90 (one sample)'),
      ];
    case 'req/s':
      return [
        withInterval('reqPerSec', 'req/s (interval)'),
        withInterval('p50Ms', 'p50 ms'),
        withInterval('p99Ms', 'p99 ms'),
        number('littleMeanMs', 'mean ms (Little)'),
        withInterval('apiCpuUsPerRequest', 'server CPU µs/req'),
        number('rounds', 'rounds'),
        {
          title: 'Redis / PostgreSQL CPU µs/req',
          cell: (entry) =>
            entry.numbers.redisCpuUsPerRequest === undefined &&
            entry.numbers.postgresCpuUsPerRequest === undefined
              ? '—'
              : `${format(entry.numbers.redisCpuUsPerRequest)} / ${format(entry.numbers.postgresCpuUsPerRequest)}`,
        },
        {
          title: 'errors / non-2xx',
          cell: (entry) => `${format(entry.numbers.errors)} / ${format(entry.numbers.non2xx)}`,
        },
        {
          title: 'load gen CPU',
          cell: (entry) => `${Math.round((entry.numbers.loadgenCpuShare ?? 0) * 100)}%`,
        },
      ];
    case 'µs/request':
      return [
        withInterval('apiCpuUsPerRequest', 'server CPU µs/request (interval)'),
        withInterval('redisCpuUsPerRequest', 'Redis CPU µs/request'),
        withInterval('postgresCpuUsPerRequest', 'PostgreSQL CPU µs/request'),
        number('rounds', 'rounds'),
      ];
    case 'bytes/login':
      return [
        number('bytesPerLogin', 'bytes/login'),
        number('activeLogins', 'active logins'),
        number('keysPerLogin', 'Redis keys/login'),
        number('sampleKeyBytes', 'MEMORY USAGE of a key'),
      ];
    case 'bytes':
      return [number('headerBytes', 'request header bytes'), number('credentialBytes', 'credential bytes')];
    case 'look-ups/request':
      return [
        number('total', 'counted'),
        number('redisCommands', 'Redis commands'),
        number('postgresStatements', 'PostgreSQL statements'),
        number('declaredByTraits', 'declared (GET /strategies)'),
      ];
    case 'ms':
      // Revocation latency, and store-distance's crossover RTTs (their own figures: without
      // them the crossover rows showed five columns of dashes and never their value).
      return [
        number('crossoverRttMs', 'crossover: added Redis RTT ms'),
        number('statelessP50Ms', "stateless JWT's p50 ms"),
        {
          // With rounds (login-cost) the median's interval, as the family's description says.
          title: 'median ms',
          cell: (entry) =>
            entry.numbers.low === undefined || entry.numbers.high === undefined
              ? format(entry.numbers.median)
              : `${format(entry.numbers.median)} (${format(entry.numbers.low)}–${format(entry.numbers.high)})`,
        },
        {
          title: 'CPU ms (interval)',
          cell: (entry) =>
            entry.numbers.cpuMsLow === undefined || entry.numbers.cpuMsHigh === undefined
              ? format(entry.numbers.cpuMs)
              : `${format(entry.numbers.cpuMs)} (${format(entry.numbers.cpuMsLow)}–${format(entry.numbers.cpuMsHigh)})`,
        },
        number('perSecondPerCore', 'per second per core'),
        number('rounds', 'rounds'),
        number('min', 'min'),
        number('max', 'max'),
        number('acceptedAfterLogoutMax', 'accepted after logout (max)'),
        {
          title: 'bound',
          cell: (entry) =>
            entry.numbers.boundMs === undefined
              ? EMPTY
              : entry.numbers.boundMs === 0
                ? 'immediate'
                : `exp (${format(entry.numbers.boundMs)} ms)`,
        },
      ];
    default:
      return [{ title: unit, cell: (entry) => format(entry.value) }];
  }
}

/**
 * A case's notes after its label. Files written before rounds.ts aggregated notes kept one per
 * round; they are merged here the same way (round-notes.ts), and a newer file's notes, already
 * one per wording, pass through unchanged.
 */
function notesText(entry: BenchCase): string {
  if (entry.notes === undefined || entry.notes.length === 0) return '';
  const notes = aggregateNotes(entry.notes, entry.rounds?.length ?? 1, 'stored');
  return ` (${notes.join('; ')})`;
}

function familyTables(cases: readonly BenchCase[]): string {
  const byUnit = new Map<string, BenchCase[]>();
  for (const entry of cases) byUnit.set(entry.unit, [...(byUnit.get(entry.unit) ?? []), entry]);
  return [...byUnit.entries()]
    .map(([unit, group]) => {
      const all = modelColumns(group[0]?.family, unit, format) ?? columnsFor(unit);
      // A column no case of this table has (p10/p90 of a sample, when every case is in rounds) is left out.
      const present = all.filter((column) => group.some((entry) => column.cell(entry) !== EMPTY));
      // Every column empty: still show each case's value rather than a table of labels.
      const columns =
        present.length > 0 ? present : [{ title: unit, cell: (entry: BenchCase) => format(entry.value) }];
      // A plain ratio of the two values, whichever way the unit is better (µs: lower; req/s: higher).
      const header = ['case', ...columns.map((column) => column.title), 'value ÷ baseline', 'id'];
      const rows = group.map((entry) => [
        entry.label + notesText(entry),
        ...columns.map((column) => column.cell(entry)),
        versus(entry),
        `\`${entry.id}\``,
      ]);
      return table(header, rows);
    })
    .join('\n\n');
}

function profileSection(profile: ProfileSummary): string {
  return [
    `### ${profile.id}: ${profile.description}`,
    '',
    `For target \`${profile.targetId}\`. ${format(profile.totalMs)} ms sampled, ${profile.idlePercent}% idle (waiting on I/O); shares below are of the busy time.`,
    '',
    table(
      ['self time by package', 'ms', '%'],
      profile.byPackage.map((entry) => [entry.name, format(entry.selfMs), `${entry.percent}%`]),
    ),
    '',
    table(
      ['top functions by self time', 'where', 'ms', '%'],
      profile.topFunctions.map((entry) => [
        entry.name,
        entry.location,
        format(entry.selfMs),
        `${entry.percent}%`,
      ]),
    ),
  ].join('\n');
}

/** Which charts go under which family (a chart this run did not write is skipped). */
const CHARTS_OF: Readonly<Partial<Record<FamilyId, readonly string[]>>> = {
  'verify-cost': ['verify-cost.svg'],
  itsdangerous: ['itsdangerous.svg'],
  'http-throughput': ['http-absolute.svg', 'http-relative.svg'],
  'store-distance': ['store-rtt.svg'],
  'server-state': ['state-bytes.svg'],
  'tutorial-peer': ['tutorial-peer.svg'],
  'open-loop': ['open-loop.svg'],
  'scale-model': ['scale-model.svg'],
  'revocation-scale': ['revocation-scale.svg'],
  'login-cost': ['login-cost.svg'],
  'many-credentials': ['many-credentials.svg'],
  refresh: ['refresh.svg'],
};

/** The trade-off picture and what it leaves out, before the detail. */
function whichStrategy(results: Results, charts: readonly ChartFile[]): string[] {
  const chart = charts.find((entry) => entry.file === 'tradeoffs.svg');
  const { rows, omitted } = tradeoff(results.cases);
  if (rows.length === 0) return [];
  return [
    '## Which strategy for me',
    '',
    'Four costs per strategy, each taken from a case of this run (named in the table); nothing is filled in.',
    '',
    table(
      ['strategy', 'cost', 'measured', 'case'],
      rows.map((row) => [row.strategy, row.metric, row.text, `\`${row.caseId}\``]),
    ),
    '',
    ...(omitted.length === 0 ? [] : [`Not measured in this run, so not shown: ${omitted.join('; ')}.`, '']),
    ...(chart === undefined ? [] : [`![${chart.title}](${chart.file})`, '']),
  ];
}

/**
 * How the targets were decided, said of this run's targets: a target in rounds pairs its case with
 * its reference round by round (an HTTP route with the reference route of the same rounds — a
 * lean peer, the bare limit or the Flask app — or an in-process contender with Python's or
 * node:crypto's of the same round); the sentence on point estimates only when one exists.
 */
function targetsIntro(targets: readonly TargetResult[]): string {
  const once = targets.filter((target) => target.rounds === undefined || target.rounds === 0).length;
  return [
    'Goals, not assertions: each compares two cases of this run, as "× as good" (higher is better) or, for a CPU ceiling, as the case\'s cost in multiples of the reference\'s (lower is better).',
    'A target measured in interleaved rounds pairs round i of its case with round i of its reference (the reference route or contender of the same round, not the baseline): "measured" is the median of the per-round ratios with its distribution-free interval and the number of rounds.',
    "It is **met** only when the whole 95% interval is on the goal's side (at or above a ≥ goal, at or below a ≤ one), **missed** only when it is wholly on the other side, and **inconclusive** otherwise — including when too few rounds were run for a 95% interval (a quick run).",
    ...(once === 0
      ? []
      : [
          `${once} target${once === 1 ? ' was' : 's were'} measured once, without rounds: decided on the point estimate, and the row says so.`,
        ]),
  ].join(' ');
}

export function renderMarkdown(results: Results, charts: readonly ChartFile[]): string {
  const env = results.environment;
  const lines: string[] = [];
  lines.push('# authbench benchmark results', '');
  // The machine's condition first: every figure below is only as good as it was.
  lines.push(`> ${machineCondition(env)}`, '');
  if (results.mode === 'quick') {
    lines.push(
      '> **Quick run** (`--quick`): every case ran briefly to prove the harness. The numbers are indicative only; targets are reported, not asserted. Run `npm run bench` on a quiet machine for numbers to quote.',
      '',
    );
  }
  lines.push(
    `Generated ${results.generatedAt} in ${format(results.durationMs / 1000)} s by \`${results.command}\`, commit \`${results.commit}\`.`,
    '',
    '## Environment',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${env.cpu}, ${env.cores} cores`],
        ['memory', `${env.memoryGiB} GiB`],
        ['OS', env.os],
        ['Node', `${env.node} (V8 ${env.v8})`],
        ['CPU pinning', env.pinning],
        ['Redis / PostgreSQL', env.services],
        ['load average (1/5/15 min) at start → end', `${env.loadAverageStart} → ${env.loadAverageEnd}`],
        [
          'CPUs busy / steal at start (1 s); steal over the run',
          `${format(env.cpuBusyPercentStart)}% / ${format(env.stealPercentStart)}%; ${format(env.stealPercentRun)}%${env.busy === true ? ` — **busy**: ${env.busyReason ?? ''}` : ''}`,
        ],
        [
          'kernel: a system call (getppid from JavaScript) / a page fault, at start → end',
          env.kernelCostsStart === undefined
            ? 'not recorded (an older harness)'
            : `${kernelCosts(env.kernelCostsStart)} → ${env.kernelCostsEnd === undefined ? 'not recorded' : kernelCosts(env.kernelCostsEnd)}`,
        ],
        [
          'programs',
          Object.entries(env.programs)
            .map(([name, version]) => `${name}: ${version}`)
            .join('; ') || '—',
        ],
        [
          'packages',
          Object.entries(env.packages)
            .map(([name, version]) => `${name} ${version}`)
            .join(', '),
        ],
      ],
    ),
    '',
    '## Reading this report',
    '',
    'Generated from the run, claiming only what its intervals support: a difference is named only when the two intervals do not overlap.',
    '',
    ...readingThisReport(results),
    '',
    ...whichStrategy(results, charts),
    '## Targets',
    '',
    targetsIntro(results.targets),
    '',
    table(
      ['target', 'measured', 'goal', 'status', 'where the time goes'],
      results.targets.map((target) => {
        const { measured, goal } = targetReading(target);
        return [
          target.description,
          measured,
          goal,
          targetStatus(target),
          target.profileId === undefined ? (target.note ?? '') : `[profile](#${target.profileId})`,
        ];
      }),
    ),
    '',
  );
  for (const id of FAMILY_IDS) {
    const family = results.families[id];
    if (family === undefined) continue;
    lines.push(`## ${family.title}`, '', family.description, '');
    if (family.status !== 'ok') {
      lines.push(
        `Status: **${family.status}**${family.error === undefined ? '' : ` — ${family.error}`}${family.missing.length === 0 ? '' : ` — missing: ${family.missing.map((entry) => `${entry.what} (${entry.hint})`).join('; ')}`}`,
        '',
      );
    }
    const cases = results.cases.filter((entry) => entry.family === id);
    if (cases.length > 0) lines.push(familyTables(cases), '');
    for (const note of family.notes) lines.push(`- ${note}`);
    if (family.notes.length > 0) lines.push('');
    for (const file of CHARTS_OF[id] ?? []) {
      const chart = charts.find((entry) => entry.file === file);
      if (chart !== undefined) lines.push(`![${chart.title}](${chart.file})`, '');
    }
  }
  if (results.profiles.length > 0) {
    lines.push('## Where the time goes (profiles of missed and inconclusive targets)', '');
    for (const profile of results.profiles)
      lines.push(`<a id="${profile.id}"></a>`, '', profileSection(profile), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
