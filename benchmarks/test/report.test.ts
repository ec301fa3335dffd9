import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse } from 'vega';
import { compile } from 'vega-lite';
import { chartSpecsFor, writeCharts } from '../src/lib/charts.js';
import { addedRttMs, figureOf } from '../src/lib/figures.js';
import { readingThisReport } from '../src/lib/reading.js';
import { renderMarkdown } from '../src/lib/report-md.js';
import {
  type CaseInput,
  evaluateTarget,
  finalizeCases,
  type Results,
  SCHEMA_VERSION,
  type TargetSpec,
} from '../src/lib/results.js';
import { round } from '../src/lib/stats.js';
import { tradeoff } from '../src/lib/tradeoff.js';

// A small synthetic run: enough of each family for every chart, with intervals where the
// harness writes them, one negative heap delta, one nominal RTT, and no opaque strategy at all.

const micro = (
  id: string,
  family: CaseInput['family'],
  median: number,
  params: CaseInput['params'],
  baselineId = id,
): CaseInput => ({
  id,
  family,
  label: id,
  unit: 'µs',
  better: 'lower',
  value: median,
  numbers: { median, p10: median * 0.9, p90: median * 1.2 },
  baselineId,
  params,
});

/** An HTTP case measured in 6 rounds (the fewest whose [min, max] reaches 95 %), `cpu` µs/request with the interval [cpu − spread, cpu + spread]. */
function http(config: string, route: string, reqPerSec: number, cpu: number, spread: number): CaseInput {
  return {
    id: `http-throughput/${config}/${route}`,
    family: 'http-throughput',
    label: `${route} on ${config}`,
    unit: 'req/s',
    better: 'higher',
    value: reqPerSec,
    numbers: {
      reqPerSec,
      reqPerSecLow: reqPerSec * 0.95,
      reqPerSecHigh: reqPerSec * 1.05,
      p50Ms: 2,
      p99Ms: 6,
      apiCpuUsPerRequest: cpu,
      apiCpuUsPerRequestLow: cpu - spread,
      apiCpuUsPerRequestHigh: cpu + spread,
    },
    baselineId: `http-throughput/${config}/baseline`,
    params: { config, route, stores: config.startsWith('redis') ? 'redis' : 'memory', workers: 1 },
    rounds: [0.98, 1, 1.02, 0.99, 1.01, 1].map((f, position) => ({ reqPerSec: reqPerSec * f, position })),
  };
}

const rtt = (strategy: string, nominal: number, measured: boolean): CaseInput => ({
  id: `store-distance/${strategy}/rtt-${nominal}ms`,
  family: 'store-distance',
  label: `${strategy} +${nominal}`,
  unit: 'req/s',
  better: 'higher',
  value: 2000,
  numbers: {
    reqPerSec: 2000,
    p50Ms: 3 + nominal,
    ...(measured ? { measuredPingMs: nominal + 0.3, directPingMs: 0.1 } : {}),
  },
  baselineId: `store-distance/${strategy}/rtt-${nominal}ms`,
  params: { config: 'proxied-1w', strategy, rttMs: nominal },
});

const state = (strategy: string, store: string, bytes: number, jwtRevocation = 'n/a'): CaseInput => ({
  id: `server-state/bytes/${store}/${strategy}/100000`,
  family: 'server-state',
  label: `${strategy} ${store}`,
  unit: 'bytes/login',
  better: 'lower',
  value: bytes,
  numbers: { bytesPerLogin: bytes, activeLogins: 100_000 },
  baselineId: `server-state/bytes/${store}/${strategy}/100000`,
  params: { strategy, store, activeLogins: 100_000, jwtRevocation },
});

const wire = (id: string, strategy: string, bytes: number, algorithm?: string): CaseInput => ({
  id: `server-state/wire/${id}`,
  family: 'server-state',
  label: id,
  unit: 'bytes',
  better: 'lower',
  value: bytes + 20,
  numbers: { headerBytes: bytes + 20, credentialBytes: bytes },
  baselineId: `server-state/wire/${id}`,
  params: algorithm === undefined ? { strategy } : { strategy, algorithm },
});

const revocation = (strategy: string, mode: string, boundMs: number): CaseInput => ({
  id: `revocation-latency/${strategy}/${mode}`,
  family: 'revocation-latency',
  label: `${strategy} ${mode}`,
  unit: 'ms',
  better: 'lower',
  value: 2,
  numbers: { median: 2, boundMs },
  baselineId: `revocation-latency/${strategy}/${mode}`,
  params: { strategy, mode },
});

const peer = (server: string, route: string, reqPerSec: number): CaseInput => ({
  id: `tutorial-peer/${server}/${route}`,
  family: 'tutorial-peer',
  label: `${server} ${route}`,
  unit: 'req/s',
  better: 'higher',
  value: reqPerSec,
  numbers: { reqPerSec, reqPerSecLow: reqPerSec - 50, reqPerSecHigh: reqPerSec + 50 },
  baselineId: 'tutorial-peer/flask/jwt',
  params: { server, route },
});

const INPUTS: CaseInput[] = [
  micro('verify-cost/baseline/hmac-sha256', 'verify-cost', 2, { strategy: 'baseline', store: 'none' }),
  micro(
    'verify-cost/jwt/stateless/valid',
    'verify-cost',
    16,
    { strategy: 'jwt', store: 'stateless', credential: 'valid' },
    'verify-cost/baseline/hmac-sha256',
  ),
  micro('itsdangerous/sha1/loads/python', 'itsdangerous', 10, {
    contender: 'python',
    digest: 'sha1',
    operation: 'loads',
  }),
  micro(
    'itsdangerous/sha1/loads/port',
    'itsdangerous',
    9,
    { contender: 'port', digest: 'sha1', operation: 'loads' },
    'itsdangerous/sha1/loads/python',
  ),
  micro(
    'itsdangerous/sha1/loads/node-crypto',
    'itsdangerous',
    4,
    { contender: 'node-crypto', digest: 'sha1', operation: 'loads' },
    'itsdangerous/sha1/loads/python',
  ),
  http('redis-1w', 'baseline', 4000, 450, 10),
  http('redis-1w', 'session', 2800, 600, 10),
  http('redis-1w', 'token', 2700, 620, 90),
  http('redis-1w', 'jwt', 2600, 700, 10),
  http('memory-1w-stateless', 'baseline', 4100, 440, 10),
  http('memory-1w-stateless', 'jwt', 2700, 650, 10),
  rtt('session', 0, true),
  rtt('session', 2, false),
  state('session', 'redis', 490),
  state('token', 'memory', -448),
  state('jwt', 'redis', 505, 'denylist'),
  wire('session', 'session', 86),
  wire('token', 'token', 149),
  wire('jwt-hs256', 'jwt', 434, 'HS256'),
  revocation('session', 'immediate', 0),
  revocation('token', 'immediate', 0),
  revocation('jwt', 'immediate', 0),
  revocation('jwt', 'until-exp', 900_000),
  peer('flask', 'jwt', 1800),
  peer('authbench', 'jwt', 2250),
];

const TARGETS: TargetSpec[] = [
  {
    id: 'http-session',
    family: 'http-throughput',
    description: 'session ≥ 0.65× baseline',
    caseId: 'http-throughput/redis-1w/session',
    referenceId: 'http-throughput/redis-1w/baseline',
    goal: 0.65,
  },
  {
    id: 'its-python',
    family: 'itsdangerous',
    description: 'port ≥ 1.5× Python',
    caseId: 'itsdangerous/sha1/loads/port',
    referenceId: 'itsdangerous/sha1/loads/python',
    goal: 1.5,
  },
];

const cases = finalizeCases(INPUTS);
const RESULTS: Results = {
  schema: SCHEMA_VERSION,
  runId: 'test',
  mode: 'full',
  generatedAt: '2026-12-05T00:00:00Z',
  durationMs: 1000,
  commit: 'abc',
  command: 'npm run bench',
  environment: {
    date: '2026-12-05',
    cpu: 'test cpu',
    cores: 2,
    memoryGiB: 4,
    os: 'linux',
    node: 'v20',
    v8: '11',
    loadAverageStart: '3.10 2.00 1.00',
    loadAverageEnd: '1.00 1.00 1.00',
    cpuBusyPercentStart: 80,
    stealPercentStart: 7,
    stealPercentRun: 5,
    busy: true,
    busyReason: 'load 3.1 on 2 cores',
    kernelCostsStart: { syscallNs: 1370, pageFaultUs: 11.84 },
    kernelCostsEnd: { syscallNs: 240, pageFaultUs: 0.9 },
    commit: 'abc',
    pinning: 'none',
    services: 'none',
    packages: {},
    programs: {},
  },
  families: {},
  cases,
  targets: TARGETS.map((spec) => evaluateTarget(spec, cases)),
  profiles: [],
  charts: [],
};

const specs = chartSpecsFor(RESULTS);
const byFile = (file: string) => specs.find((entry) => entry.file === file);

describe('the report’s charts, from a synthetic run', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'authbench-charts-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has a chart for every family it was given data for, and every spec compiles to vega', () => {
    expect(specs.map((entry) => entry.file).sort()).toEqual(
      [
        'http-absolute.svg',
        'http-relative.svg',
        'itsdangerous.svg',
        'state-bytes.svg',
        'store-rtt.svg',
        'tradeoffs.svg',
        'tutorial-peer.svg',
        'verify-cost.svg',
      ].sort(),
    );
    for (const entry of specs) expect(() => parse(compile(entry.spec).spec)).not.toThrow();
  });

  it('renders every chart to an SVG file', async () => {
    const written = await writeCharts(RESULTS, scratch);
    expect(written.map((chart) => chart.file).sort()).toEqual(readdirSync(scratch).sort());
    for (const chart of written) {
      const svg = readFileSync(join(scratch, chart.file), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
  }, 120_000);

  it('gives whiskers to every figure that has an interval or a spread', () => {
    for (const file of [
      'http-absolute.svg',
      'http-relative.svg',
      'itsdangerous.svg',
      'tutorial-peer.svg',
      'verify-cost.svg',
    ]) {
      const rows = byFile(file)?.rows ?? [];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(typeof row.low).toBe('number');
        expect(typeof row.high).toBe('number');
        expect(Number(row.low)).toBeLessThanOrEqual(Number(row.value));
        expect(Number(row.high)).toBeGreaterThanOrEqual(Number(row.value));
      }
    }
    // And draws them: a rule layer from low to high.
    expect(JSON.stringify(byFile('http-absolute.svg')?.spec)).toContain('"x2":{"field":"high"}');
  });

  it('draws CPU per request beside absolute req/s, and the goal where a target sets one', () => {
    const rows = byFile('http-absolute.svg')?.rows ?? [];
    expect(new Set(rows.map((row) => row.panel)).size).toBe(2);
    const session = rows.find((row) => row.series === 'session' && String(row.panel).startsWith('req/s'));
    expect(session?.goal).toBeCloseTo(4000 * 0.65);
    const port = byFile('itsdangerous.svg')?.rows.find((row) => row.series === 'port');
    expect(port?.goal).toBeCloseTo(10 / 1.5);
  });

  it('never plots negative server state, and names what it clamped', () => {
    const rows = byFile('state-bytes.svg')?.rows ?? [];
    expect(rows.every((row) => Number(row.bytes) >= 0)).toBe(true);
    expect(rows.find((row) => row.strategy === 'token')?.clamped).toContain('-448');
  });

  it('puts measured RTTs on store-rtt.svg and says "nominal" where none was recorded', () => {
    const rows = byFile('store-rtt.svg')?.rows ?? [];
    expect(rows.map((row) => [row.rtt, row.measured])).toEqual([
      [expect.closeTo(0.2, 5), 'measured'],
      [2, 'nominal'],
    ]);
    expect(JSON.stringify(byFile('store-rtt.svg')?.spec)).toContain('NOMINAL');
  });
});

describe('the trade-off picture', () => {
  it('takes each figure from a case of the run and omits, by name, what was not measured', () => {
    const { rows, omitted } = tradeoff(cases);
    expect(rows.some((row) => row.strategy === 'opaque token')).toBe(false);
    expect(omitted).toEqual(
      expect.arrayContaining([
        'opaque token: server CPU µs per request (HTTP)',
        'opaque token: credential bytes on the wire',
        'JWT, stateless: server state, bytes per login',
      ]),
    );
    const cpu = rows.find((row) => row.strategy === 'JWT, stateless' && row.metric.startsWith('server CPU'));
    expect(cpu?.caseId).toBe('http-throughput/memory-1w-stateless/jwt');
    expect(cpu?.figure).toEqual({ value: 650, low: 640, high: 660, spread: 'interval' });
    const bound = rows.find(
      (row) => row.strategy === 'JWT, stateless' && row.metric.startsWith('revocation'),
    );
    expect(bound?.text).toBe('at expiry (≤ 900 s here)');
    // The chart has a row per measured figure, no more.
    expect(byFile('tradeoffs.svg')?.rows).toHaveLength(rows.length);
  });
});

describe('latest.md', () => {
  it('names only differences whose intervals do not overlap', () => {
    const lines = readingThisReport(RESULTS).join('\n');
    // session 590–610 vs jwt 690–710 µs: apart. token 530–710 overlaps both: never named.
    expect(lines).toContain('`session` 600 (590–610) < `jwt` 700 (690–710) µs');
    expect(lines).not.toMatch(/`token` [^\n]*</);
    expect(lines).not.toMatch(/< `token`/);
  });

  it('claims no difference when too few rounds were run for 95% intervals (a quick run)', () => {
    const fewRounds = cases.map((entry) =>
      entry.rounds === undefined ? entry : { ...entry, rounds: entry.rounds.slice(0, 3) },
    );
    const lines = readingThisReport({ ...RESULTS, cases: fewRounds }).join('\n');
    expect(lines).not.toContain('do not overlap');
    expect(lines).toContain('too few rounds for 95% intervals');
  });

  it('states the machine’s condition first, and shows the trade-offs and the new charts', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'authbench-md-'));
    try {
      const charts = await writeCharts(RESULTS, scratch);
      const markdown = renderMarkdown(RESULTS, charts);
      const lines = markdown.split('\n');
      expect(lines[2]).toMatch(/^> \*\*Machine:\*\* \*\*BUSY at start\*\*.*steal 7% at start/);
      expect(lines[2]).toContain(
        'a system call 1.4 µs, a page fault 11.8 µs at start, a system call 0.2 µs, a page fault 0.9 µs at end',
      );
      expect(markdown).toContain(
        '| kernel: a system call (getppid from JavaScript) / a page fault, at start → end | a system call 1.4 µs, a page fault 11.8 µs → a system call 0.2 µs, a page fault 0.9 µs |',
      );
      expect(markdown).toContain('## Which strategy for me');
      expect(markdown).toContain('Not measured in this run, so not shown:');
      expect(markdown).toContain('](tradeoffs.svg)');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);

  it('reads a CPU ceiling as stated: the cost multiple against "≤ k×", its interval inverted', () => {
    const [asGood] = TARGETS;
    if (asGood === undefined) throw new Error('no target to read');
    const spec: TargetSpec = {
      ...asGood,
      id: 'http-session-cost',
      description: 'session costs ≤ 1.25× baseline',
      goal: 1 / 1.25,
      readAs: 'cost',
    };
    const result = evaluateTarget(spec, cases);
    const plain = evaluateTarget(asGood, cases);
    // The same ratio and verdict logic: only the reading differs.
    expect(result.measured).toBe(plain.measured);
    const { measured, measuredLow, measuredHigh } = result;
    if (measured === null || measuredLow === undefined || measuredHigh === undefined) {
      throw new Error('the synthetic session case has rounds: its target has an interval');
    }
    const row = renderMarkdown({ ...RESULTS, targets: [result] }, [])
      .split('\n')
      .find((line) => line.startsWith('| session costs ≤ 1.25× baseline |'));
    const cells = (row ?? '').split(' | ');
    expect(cells[2]).toBe('≤ 1.25×');
    const shown = (value: number) => String(round(1 / value, 3));
    expect(cells[1]).toContain(`${shown(measured)}× (${shown(measuredHigh)}–${shown(measuredLow)};`);
  });

  it('leaves out a column no case of its table has, and keeps it where one case has it', () => {
    const inRounds = (id: string, median: number): CaseInput => ({
      ...micro(id, 'verify-cost', median, {}),
      numbers: { median, low: median * 0.9, high: median * 1.1, rounds: 9 },
    });
    const render = (inputs: CaseInput[]) =>
      renderMarkdown(
        {
          ...RESULTS,
          families: {
            'verify-cost': {
              title: 'Verification cost',
              description: 'test',
              status: 'ok',
              missing: [],
              notes: [],
              durationMs: 1,
              caseCount: inputs.length,
            },
          },
          cases: finalizeCases(inputs),
          targets: [],
        },
        [],
      );
    const allInRounds = render([
      inRounds('verify-cost/a', 2),
      { ...inRounds('verify-cost/b', 3), baselineId: 'verify-cost/a' },
    ]);
    expect(allInRounds).toContain(
      '| case | median µs (95% interval over rounds) | rounds | value ÷ baseline | id |',
    );
    expect(allInRounds).not.toContain('p10 (one sample)');
    const oneSampled = render([
      inRounds('verify-cost/a', 2),
      micro('verify-cost/b', 'verify-cost', 3, {}, 'verify-cost/a'),
    ]);
    expect(oneSampled).toContain('| rounds | p10 (one sample) | p90 (one sample) |');
  });

  it("says how this run's targets were decided: a point-estimate sentence only when a target has no rounds", () => {
    const inRounds = RESULTS.targets.filter((target) => (target.rounds ?? 0) > 0);
    expect(inRounds.length).toBeGreaterThan(0);
    const intro = (targets: Results['targets']) =>
      renderMarkdown({ ...RESULTS, targets }, [])
        .split('\n')
        .find((line) => line.startsWith('Goals, not assertions')) ?? '';
    expect(intro(inRounds)).toContain('pairs round i of its case with round i of its reference');
    expect(intro(inRounds)).not.toContain('measured once');
    const [first] = inRounds;
    if (first === undefined) throw new Error('no target in rounds');
    const { rounds: _rounds, ...once } = first;
    expect(intro([...inRounds, once])).toContain('1 target was measured once, without rounds');
  });

  it("shows each ms table's own figures: a crossover's RTT, a login's interval and CPU, no revocation columns", () => {
    const ms = (id: string, family: CaseInput['family'], numbers: Record<string, number>): CaseInput => ({
      id,
      family,
      label: id,
      unit: 'ms',
      better: 'lower',
      value: numbers.median ?? numbers.crossoverRttMs ?? 0,
      numbers,
      baselineId: id,
      params: {},
    });
    const section = (family: CaseInput['family'], input: CaseInput) =>
      renderMarkdown(
        {
          ...RESULTS,
          families: {
            [family]: {
              title: `section ${family}`,
              description: 'test',
              status: 'ok',
              missing: [],
              notes: [],
              durationMs: 1,
              caseCount: 1,
            },
          },
          cases: finalizeCases([input]),
          targets: [],
        },
        [],
      )
        .split('\n')
        .filter((line) => line.startsWith('| case |') || line.startsWith(`| ${input.id} |`));
    expect(
      section(
        'store-distance',
        ms('store-distance/crossover/jwt/10pct', 'store-distance', {
          crossoverRttMs: 0.0649,
          statelessP50Ms: 1.74,
        }),
      ),
    ).toEqual([
      "| case | crossover: added Redis RTT ms | stateless JWT's p50 ms | value ÷ baseline | id |",
      '| store-distance/crossover/jwt/10pct | 0.0649 | 1.74 | baseline | `store-distance/crossover/jwt/10pct` |',
    ]);
    expect(
      section(
        'login-cost',
        ms('login-cost/login/jwt', 'login-cost', {
          median: 15.7,
          low: 11.5,
          high: 17.7,
          cpuMs: 19.9,
          cpuMsLow: 19.5,
          cpuMsHigh: 30.4,
          perSecondPerCore: 50.1,
          rounds: 6,
        }),
      ),
    ).toEqual([
      '| case | median ms | CPU ms (interval) | per second per core | rounds | value ÷ baseline | id |',
      '| login-cost/login/jwt | 15.7 (11.5–17.7) | 19.9 (19.5–30.4) | 50.1 | 6 | baseline | `login-cost/login/jwt` |',
    ]);
  });

  it('reads figures defensively: an absent key is absent, not zero', () => {
    const [first] = cases;
    expect(first).toBeDefined();
    if (first === undefined) return;
    expect(figureOf(first, 'apiCpuUsPerRequest')).toBeNull();
    expect(addedRttMs(first)).toBeNull();
  });
});
