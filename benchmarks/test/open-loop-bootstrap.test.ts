import { describe, expect, it } from '@jest/globals';
import type { Sample } from '../src/lib/open-loop.js';
import { summarizeWindow } from '../src/lib/open-loop.js';
import { percentileIntervals } from '../src/lib/open-loop-bootstrap.js';

/** One request every ms for `ms` ms, latency from `latency(i)`. */
function run(ms: number, latency: (index: number) => number): Sample[] {
  return Array.from({ length: ms }, (_, index) => ({
    scheduledMs: index,
    sentMs: index,
    latencyMs: latency(index),
    outcome: 'ok' as const,
  }));
}

describe('percentileIntervals (moving-block bootstrap over one run)', () => {
  it('brackets each percentile of the window it summarizes', () => {
    // A slow stretch every 700 ms: the tail depends on which blocks are drawn.
    const samples = run(3_000, (index) => (index % 700 < 40 ? 20 + (index % 7) : 1 + (index % 10) / 10));
    const summary = summarizeWindow(samples, 0, 3_000);
    const numbers = percentileIntervals(samples, 0, 3_000);
    for (const key of ['p50Ms', 'p99Ms', 'p999Ms'] as const) {
      expect(numbers[`${key}Low`]).toBeLessThanOrEqual(summary[key]);
      expect(numbers[`${key}High`]).toBeGreaterThanOrEqual(summary[key]);
    }
    // The clustered tail leaves real uncertainty in p99: the interval is not a point.
    expect((numbers.p99MsHigh ?? 0) - (numbers.p99MsLow ?? 0)).toBeGreaterThan(1);
  });

  it('gives a point interval when every request took the same time', () => {
    const numbers = percentileIntervals(
      run(1_000, () => 3),
      0,
      1_000,
    );
    expect(numbers).toMatchObject({ p50MsLow: 3, p50MsHigh: 3, p999MsLow: 3, p999MsHigh: 3 });
  });

  it('is deterministic for a seed, and empty when the window holds fewer than two blocks', () => {
    const samples = run(2_000, (index) => (index * 7919) % 13);
    expect(percentileIntervals(samples, 0, 2_000)).toEqual(percentileIntervals(samples, 0, 2_000));
    expect(percentileIntervals(samples, 0, 50)).toEqual({});
    expect(percentileIntervals([], 0, 1_000)).toEqual({});
  });
});
