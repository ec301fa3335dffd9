import { type Figure, figureOf } from './figures.js';
import type { BenchCase } from './results.js';

/**
 * "Which strategy for me": per strategy, four measured costs side by side — server CPU per
 * request, how long a logged-out credential may still work, server state per login and the
 * credential's bytes on the wire. Every figure comes from a case of the run found by its
 * family and params; a figure the run did not measure is omitted and named in `omitted`,
 * never filled in.
 */

export const TRADEOFF_METRICS = [
  'server CPU µs per request (HTTP)',
  'revocation bound, s (0 = immediate)',
  'server state, bytes per login',
  'credential bytes on the wire',
] as const;
export type TradeoffMetric = (typeof TRADEOFF_METRICS)[number];

interface Contender {
  readonly label: string;
  readonly strategy: string;
  /** JWT only: how revocation is configured, which decides the HTTP config and the bound. */
  readonly jwtRevocation?: 'denylist' | 'none';
}

export const TRADEOFF_CONTENDERS: readonly Contender[] = [
  { label: 'session', strategy: 'session' },
  { label: 'signed token', strategy: 'token' },
  { label: 'JWT, stateless', strategy: 'jwt', jwtRevocation: 'none' },
  { label: 'JWT + denylist', strategy: 'jwt', jwtRevocation: 'denylist' },
  { label: 'opaque token', strategy: 'opaque' },
];

export interface TradeoffRow {
  readonly strategy: string;
  readonly metric: TradeoffMetric;
  readonly figure: Figure;
  /** What the bar says beside it (e.g. "immediate", "at expiry (900 s)", "0 (−448 measured)"). */
  readonly text: string;
  readonly caseId: string;
}

export interface Tradeoff {
  readonly rows: readonly TradeoffRow[];
  /** "<strategy>: <metric>" for every figure this run did not measure. */
  readonly omitted: readonly string[];
}

const param = (entry: BenchCase, key: string): string => String(entry.params[key] ?? '');

/** Prefer cases whose `key` param equals `preferred`, then the rest, each in run order. */
function preferring(cases: readonly BenchCase[], key: string, preferred: string): BenchCase[] {
  return [
    ...cases.filter((c) => param(c, key) === preferred),
    ...cases.filter((c) => param(c, key) !== preferred),
  ];
}

function cpu(cases: readonly BenchCase[], who: Contender): Omit<TradeoffRow, 'strategy' | 'metric'> | null {
  // One worker (per-request CPU is what differs), Redis-backed where the run has it: the
  // deployment a revocable strategy needs. Stateless JWT runs in a config named for it.
  const candidates = cases.filter(
    (c) =>
      c.family === 'http-throughput' &&
      c.unit === 'req/s' &&
      param(c, 'route') === who.strategy &&
      Number(c.params.workers ?? 1) === 1 &&
      param(c, 'config').includes('stateless') === (who.jwtRevocation === 'none') &&
      c.numbers.apiCpuUsPerRequest !== undefined,
  );
  const chosen = preferring(candidates, 'stores', 'redis')[0];
  const figure = chosen === undefined ? null : figureOf(chosen, 'apiCpuUsPerRequest');
  if (chosen === undefined || figure === null) return null;
  const interval =
    figure.low === null || figure.high === null
      ? ''
      : ` (${Math.round(figure.low)}–${Math.round(figure.high)})`;
  return {
    figure,
    text: `${Math.round(figure.value)}${interval} µs, ${param(chosen, 'config')}`,
    caseId: chosen.id,
  };
}

function revocation(
  cases: readonly BenchCase[],
  who: Contender,
): Omit<TradeoffRow, 'strategy' | 'metric'> | null {
  const mode = who.jwtRevocation === 'none' ? 'until-exp' : 'immediate';
  const chosen = cases.find(
    (c) =>
      c.family === 'revocation-latency' && param(c, 'strategy') === who.strategy && param(c, 'mode') === mode,
  );
  const boundMs = chosen?.numbers.boundMs;
  if (chosen === undefined || boundMs === undefined) return null;
  const seconds = boundMs / 1000;
  return {
    figure: { value: seconds, low: null, high: null, spread: null },
    // The run shortens token lifetimes to measure the bound; the app's default is what users get.
    text:
      boundMs === 0
        ? 'immediate'
        : `at expiry (≤ ${Math.round(seconds)} s here${
            chosen.numbers.defaultBoundMs === undefined
              ? ''
              : `; ${Math.round(chosen.numbers.defaultBoundMs / 1000)} s with the app's default lifetime`
          })`,
    caseId: chosen.id,
  };
}

function state(cases: readonly BenchCase[], who: Contender): Omit<TradeoffRow, 'strategy' | 'metric'> | null {
  // Measured on the store (Redis MEMORY USAGE) where the run has it: in-process heap deltas are
  // noisy enough to go negative. The largest login count, where fixed overheads matter least.
  const revocationOf = who.strategy === 'jwt' ? (who.jwtRevocation ?? 'denylist') : undefined;
  const candidates = cases.filter(
    (c) =>
      c.family === 'server-state' &&
      c.unit === 'bytes/login' &&
      param(c, 'strategy') === who.strategy &&
      (revocationOf === undefined || param(c, 'jwtRevocation') === revocationOf),
  );
  const byLogins = [...candidates].sort(
    (a, b) => Number(b.params.activeLogins ?? 0) - Number(a.params.activeLogins ?? 0),
  );
  const chosen = preferring(byLogins, 'store', 'redis')[0];
  if (chosen === undefined) return null;
  const measured = chosen.numbers.bytesPerLogin ?? chosen.value;
  const clamped = Math.max(0, measured);
  return {
    figure: { value: clamped, low: null, high: null, spread: null },
    text:
      measured <= -0.5
        ? `0 (${Math.round(measured)} B measured: noise, drawn at 0)`
        : `${Math.round(clamped)} B (${param(chosen, 'store')})`,
    caseId: chosen.id,
  };
}

function wire(cases: readonly BenchCase[], who: Contender): Omit<TradeoffRow, 'strategy' | 'metric'> | null {
  // A JWT is the same bytes whatever the revocation mode: the HS256 token the app issues.
  const chosen = cases.find(
    (c) =>
      c.family === 'server-state' &&
      c.unit === 'bytes' &&
      param(c, 'strategy') === who.strategy &&
      (who.strategy !== 'jwt' || param(c, 'algorithm') === 'HS256'),
  );
  if (chosen === undefined) return null;
  const bytes = chosen.numbers.credentialBytes ?? chosen.value;
  return {
    figure: { value: bytes, low: null, high: null, spread: null },
    text: `${Math.round(bytes)} B`,
    caseId: chosen.id,
  };
}

const READERS: Readonly<
  Record<
    TradeoffMetric,
    (cases: readonly BenchCase[], who: Contender) => Omit<TradeoffRow, 'strategy' | 'metric'> | null
  >
> = {
  'server CPU µs per request (HTTP)': cpu,
  'revocation bound, s (0 = immediate)': revocation,
  'server state, bytes per login': state,
  'credential bytes on the wire': wire,
};

export function tradeoff(cases: readonly BenchCase[]): Tradeoff {
  const rows: TradeoffRow[] = [];
  const omitted: string[] = [];
  for (const who of TRADEOFF_CONTENDERS) {
    for (const metric of TRADEOFF_METRICS) {
      const found = READERS[metric](cases, who);
      if (found === null) omitted.push(`${who.label}: ${metric}`);
      else rows.push({ strategy: who.label, metric, ...found });
    }
  }
  return { rows, omitted };
}
