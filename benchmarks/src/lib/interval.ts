/**
 * A distribution-free confidence interval for a median, from order statistics: for n values
 * sorted x(1) ≤ … ≤ x(n), [x(k), x(n−k+1)] covers the true median with probability
 * P(k ≤ B ≤ n−k) where B ~ Binomial(n, ½). The widest k whose coverage reaches the requested
 * level is used; when even [min, max] falls short (n < 6 for 95 %), the interval is [min, max]
 * and `coverage` says what it really is. No assumption about the distribution, no resampling,
 * deterministic.
 */
export interface MedianInterval {
  readonly median: number;
  readonly low: number;
  readonly high: number;
  /** The probability that the interval covers the true median (0–1): ≥ the requested level when `n` allows. */
  readonly coverage: number;
  readonly n: number;
}

function binomialHalf(n: number): number[] {
  // P(B = i) for B ~ Binomial(n, 1/2), built row by row (exact for the n used here).
  let row = [1];
  for (let step = 0; step < n; step += 1) {
    const next = new Array<number>(row.length + 1).fill(0);
    for (const [index, value] of row.entries()) {
      next[index] = (next[index] ?? 0) + value / 2;
      next[index + 1] = (next[index + 1] ?? 0) + value / 2;
    }
    row = next;
  }
  return row;
}

/** Coverage of [x(k), x(n−k+1)] (1-based k) for the median of n values. */
export function orderStatisticCoverage(n: number, k: number): number {
  if (k < 1 || 2 * k > n + 1) return 0;
  const probabilities = binomialHalf(n);
  let coverage = 0;
  for (let i = k; i <= n - k; i += 1) coverage += probabilities[i] ?? 0;
  return coverage;
}

export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval {
  const sorted = [...values].filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: Number.NaN, low: Number.NaN, high: Number.NaN, coverage: 0, n: 0 };
  const middle = (n - 1) / 2;
  const median = ((sorted[Math.floor(middle)] as number) + (sorted[Math.ceil(middle)] as number)) / 2;
  let k = 1;
  while (orderStatisticCoverage(n, k + 1) >= confidence) k += 1;
  return {
    median,
    low: sorted[k - 1] as number,
    high: sorted[n - k] as number,
    coverage: orderStatisticCoverage(n, k),
    n,
  };
}

/**
 * What the interval of a median over `count` rounds is, for a report's prose: which order
 * statistics bound it and its coverage, e.g. "interval [2nd, 8th] of the rounds, 96.1 %
 * coverage" for 9 — computed by medianInterval itself, so the prose follows the configured count.
 */
export function describeInterval(count: number): string {
  const ranks = Array.from({ length: count }, (_, index) => index + 1);
  const { low, high, coverage } = medianInterval(ranks);
  const rank = (value: number) =>
    value === 1 ? 'min' : value === count ? 'max' : `${value}${ordinalSuffix(value)}`;
  const percent = `${(coverage * 100).toFixed(1)} %`;
  return `interval [${rank(low)}, ${rank(high)}] of the rounds, ${percent} coverage${coverage < 0.95 ? ' — less than 95 %: too few rounds to decide a target' : ''}`;
}

function ordinalSuffix(value: number): string {
  if (value % 100 >= 11 && value % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][value % 10] ?? 'th';
}

export type Verdict = 'met' | 'missed' | 'inconclusive';

/**
 * A higher-is-better goal against an interval: `met` only when the whole interval is at or above
 * the goal, `missed` only when it is wholly below, and `inconclusive` when it straddles the goal
 * or its coverage is below the required level (too few rounds to say).
 */
export function verdict(interval: MedianInterval, goal: number, confidence = 0.95): Verdict {
  if (interval.n === 0 || interval.coverage < confidence) return 'inconclusive';
  if (interval.low >= goal) return 'met';
  if (interval.high < goal) return 'missed';
  return 'inconclusive';
}
