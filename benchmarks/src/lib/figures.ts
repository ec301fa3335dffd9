import { medianInterval } from './interval.js';
import type { BenchCase, TargetResult } from './results.js';

/**
 * Reading a case's numbers for the report and the charts: a figure with its spread, the goal a
 * target sets in the case's own unit, and the measured store RTT. Every reader tolerates absent
 * keys (families change what they record), and none invents a number that was not measured.
 */

/**
 * `interval`: the 95 % (or stated) order-statistic interval of a median over rounds, written as
 * `<key>Low` / `<key>High` by aggregateRounds. `p10–p90`: the spread of in-process batch means —
 * a spread, not a confidence interval, and labelled as such wherever it is drawn.
 */
export type SpreadKind = 'interval' | 'p10–p90';

export interface Figure {
  readonly value: number;
  readonly low: number | null;
  readonly high: number | null;
  readonly spread: SpreadKind | null;
}

/** The key holding a case's headline figure in `numbers`, by unit. */
function headlineKey(entry: BenchCase): string | undefined {
  if (entry.unit === 'req/s') return 'reqPerSec';
  if (entry.unit === 'µs' || entry.unit === 'ms') return 'median';
  return undefined;
}

/**
 * The figure `key` of a case (its headline when omitted), with its interval when one was
 * recorded; null when the case did not record that figure.
 */
export function figureOf(entry: BenchCase, key?: string): Figure | null {
  const name = key ?? headlineKey(entry);
  const value =
    name === undefined ? entry.value : (entry.numbers[name] ?? (key === undefined ? entry.value : undefined));
  if (value === undefined || !Number.isFinite(value)) return null;
  if (name !== undefined) {
    const low = entry.numbers[`${name}Low`];
    const high = entry.numbers[`${name}High`];
    if (low !== undefined && high !== undefined) return { value, low, high, spread: 'interval' };
    // In-process rounds (interleaved.ts, in-process-rounds.ts) keep the median's interval as `low` / `high`.
    if (name === 'median' && entry.numbers.low !== undefined && entry.numbers.high !== undefined) {
      return { value, low: entry.numbers.low, high: entry.numbers.high, spread: 'interval' };
    }
    const p10 = entry.numbers.p10;
    const p90 = entry.numbers.p90;
    if (name === 'median' && p10 !== undefined && p90 !== undefined) {
      return { value, low: p10, high: p90, spread: 'p10–p90' };
    }
  }
  return { value, low: null, high: null, spread: null };
}

/** True only when both figures carry intervals and those intervals do not overlap. */
export function clearlyDifferent(a: Figure, b: Figure): boolean {
  if (a.spread !== 'interval' || b.spread !== 'interval') return false;
  if (a.low === null || a.high === null || b.low === null || b.high === null) return false;
  return a.high < b.low || b.high < a.low;
}

/**
 * `entry` req/s ÷ `baseline` req/s with the interval of the per-round ratios when both were
 * measured in the same rounds (round i against round i, so drift cancels); else the plain ratio.
 */
export function relativeTo(entry: BenchCase, baseline: BenchCase): Figure {
  const mine = entry.rounds;
  const theirs = baseline.rounds;
  if (mine !== undefined && theirs !== undefined && mine.length === theirs.length && mine.length > 0) {
    const ratios = mine.map(
      (round, index) => (round.reqPerSec ?? Number.NaN) / (theirs[index]?.reqPerSec ?? Number.NaN),
    );
    const interval = medianInterval(ratios);
    if (interval.n === mine.length) {
      return { value: interval.median, low: interval.low, high: interval.high, spread: 'interval' };
    }
  }
  return { value: entry.ratio, low: null, high: null, spread: null };
}

/**
 * The value `target.caseId` must reach for the goal, in that case's unit (the reference's
 * headline × goal, or ÷ goal when lower is better); null when the reference was not measured.
 */
export function goalThreshold(target: TargetResult, cases: readonly BenchCase[]): number | null {
  const subject = cases.find((entry) => entry.id === target.caseId);
  const reference = cases.find((entry) => entry.id === target.referenceId);
  if (subject === undefined || reference === undefined) return null;
  const threshold =
    subject.better === 'higher' ? reference.value * target.goal : reference.value / target.goal;
  return Number.isFinite(threshold) ? threshold : null;
}

/**
 * The RTT a store-distance case really added, in ms: a recorded measured key when the family
 * writes one, else the proxied PING minus the direct PING of the same run; the nominal setting
 * (flagged `measured: false`) only when neither was recorded.
 */
export function addedRttMs(entry: BenchCase): { readonly ms: number; readonly measured: boolean } | null {
  const recorded = entry.numbers.measuredAddedRttMs ?? entry.numbers.measuredRttMs;
  if (recorded !== undefined) return { ms: recorded, measured: true };
  const proxied = entry.numbers.measuredPingMs;
  const direct = entry.numbers.directPingMs;
  if (proxied !== undefined && direct !== undefined)
    return { ms: Math.max(0, proxied - direct), measured: true };
  const nominal = Number(entry.params.rttMs ?? entry.numbers.addedRttMs);
  return Number.isFinite(nominal) ? { ms: nominal, measured: false } : null;
}
