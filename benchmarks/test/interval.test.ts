import { describe, expect, it } from '@jest/globals';
import { describeInterval, medianInterval, orderStatisticCoverage, verdict } from '../src/lib/interval.js';

describe('order-statistic interval of a median', () => {
  it('has the textbook coverages', () => {
    // [min, max]: 1 − 2·(½)^n.
    expect(orderStatisticCoverage(5, 1)).toBeCloseTo(0.9375, 12);
    expect(orderStatisticCoverage(6, 1)).toBeCloseTo(0.96875, 12);
    expect(orderStatisticCoverage(2, 1)).toBeCloseTo(0.5, 12);
    expect(orderStatisticCoverage(1, 1)).toBe(0);
    // n = 10, [x(2), x(9)]: 1 − 2·(1 + 10)/1024.
    expect(orderStatisticCoverage(10, 2)).toBeCloseTo(1 - 22 / 1024, 12);
    expect(orderStatisticCoverage(10, 6)).toBe(0);
  });

  it('picks the narrowest interval that reaches the level', () => {
    const values = [5, 3, 9, 1, 7, 2, 8, 4, 6, 10];
    const interval = medianInterval(values);
    expect(interval.median).toBe(5.5);
    // k = 2 gives 97.9 %; k = 3 gives 89 %: x(2) and x(9).
    expect([interval.low, interval.high]).toEqual([2, 9]);
    expect(interval.coverage).toBeGreaterThanOrEqual(0.95);
    expect(interval.n).toBe(10);
  });

  it('says when too few values cannot reach the level', () => {
    const five = medianInterval([3631, 3987, 3800, 3700, 3900]);
    expect(five).toMatchObject({ median: 3800, low: 3631, high: 3987, n: 5 });
    expect(five.coverage).toBeCloseTo(0.9375, 12);
    const six = medianInterval([1, 2, 3, 4, 5, 6]);
    expect(six).toMatchObject({ median: 3.5, low: 1, high: 6 });
    expect(six.coverage).toBeGreaterThan(0.95);
    expect(medianInterval([4])).toMatchObject({ median: 4, low: 4, high: 4, coverage: 0 });
    expect(medianInterval([]).n).toBe(0);
  });

  it('covers the true median about as often as it claims (simulation)', () => {
    // Seeded LCG; exponential samples (skewed), true median ln 2.
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let covered = 0;
    const trials = 4000;
    for (let trial = 0; trial < trials; trial += 1) {
      const sample = Array.from({ length: 7 }, () => -Math.log(1 - random()));
      const interval = medianInterval(sample);
      if (interval.low <= Math.LN2 && Math.LN2 <= interval.high) covered += 1;
    }
    // n = 7 → [min, max], coverage 1 − 2/128 = 98.4 %.
    expect(covered / trials).toBeGreaterThan(0.97);
    expect(covered / trials).toBeLessThan(0.995);
  });
});

describe('verdict of a goal against an interval', () => {
  const at = (low: number, high: number, coverage = 0.97) => ({
    median: (low + high) / 2,
    low,
    high,
    coverage,
    n: 6,
  });
  it('is met only when the interval clears the goal, missed only when it clears it below', () => {
    expect(verdict(at(0.82, 0.9), 0.8)).toBe('met');
    expect(verdict(at(0.8, 0.9), 0.8)).toBe('met');
    expect(verdict(at(0.7, 0.79), 0.8)).toBe('missed');
    expect(verdict(at(0.78, 0.83), 0.8)).toBe('inconclusive');
  });
  it('is inconclusive when the interval covers less than the level, however far it is', () => {
    expect(verdict(at(2, 3, 0.5), 0.8)).toBe('inconclusive');
    expect(verdict(at(0.1, 0.2, 0.9375), 0.8)).toBe('inconclusive');
  });
});

describe('the interval in prose', () => {
  it('follows the round count: [min, max] at 6, [2nd, 8th] at 9, and flags too few', () => {
    // 1 − 2/64 and 1 − 2·(1 + 9)/512.
    expect(describeInterval(6)).toBe('interval [min, max] of the rounds, 96.9 % coverage');
    expect(describeInterval(9)).toBe('interval [2nd, 8th] of the rounds, 96.1 % coverage');
    expect(describeInterval(12)).toBe('interval [3rd, 10th] of the rounds, 96.1 % coverage');
    expect(describeInterval(2)).toMatch(
      /^interval \[min, max\] of the rounds, 50\.0 % coverage — less than 95 %/,
    );
  });
});
