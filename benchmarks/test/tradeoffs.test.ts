import { describe, expect, it } from '@jest/globals';
import { crossoverRtt } from '../src/lib/crossover.js';
import { roundNumbers } from '../src/lib/interleaved.js';
import { stateBytes } from '../src/lib/state-bytes.js';

describe('stateBytes: server state per login from repeated readings', () => {
  it('divides a delta above the noise floor by the logins', () => {
    const result = stateBytes([1000, 1010, 1005], [11005, 11000, 11010], 100);
    expect(result.rawDeltaBytes).toBe(10_000);
    expect(result.noiseBytes).toBe(10);
    expect(result.bytesPerLogin).toBe(100);
    expect(result.noiseBytesPerLogin).toBeCloseTo(0.1, 12);
    expect(result.belowNoise).toBe(false);
  });

  it('reports a negative delta as 0 bytes, never negative, and says so', () => {
    const result = stateBytes([5000, 5000], [4552, 4552], 1);
    expect(result.rawDeltaBytes).toBe(-448);
    expect(result.bytesPerLogin).toBe(0);
    expect(result.belowNoise).toBe(true);
  });

  it('reports a delta within the spread of the readings as 0', () => {
    const result = stateBytes([1000, 1400], [1300, 1300], 10);
    expect(result.rawDeltaBytes).toBe(100);
    expect(result.noiseBytes).toBe(400);
    expect(result.bytesPerLogin).toBe(0);
    expect(result.belowNoise).toBe(true);
  });

  it('refuses to invent a reading', () => {
    expect(() => stateBytes([], [1], 1)).toThrow(RangeError);
  });
});

describe('roundNumbers: a case measured in rounds', () => {
  it('gives the median of the rounds, scaled, with its interval and coverage', () => {
    // Six rounds: [min, max] is the 95 % interval (coverage 1 − 2/64).
    const numbers = roundNumbers([6000, 1000, 5000, 2000, 4000, 3000], 1000);
    expect(numbers.median).toBe(3.5);
    expect(numbers.low).toBe(1);
    expect(numbers.high).toBe(6);
    expect(numbers.rounds).toBe(6);
    expect(numbers.intervalCoverage).toBeCloseTo(0.96875, 12);
  });

  it('states a coverage below 95 % when the rounds are too few', () => {
    const numbers = roundNumbers([2, 4]);
    expect(numbers.median).toBe(3);
    expect(numbers.intervalCoverage).toBeLessThan(0.95);
  });
});

describe('crossoverRtt: where a store-backed strategy falls behind the stateless line', () => {
  const points = [
    { rttMs: 2.2, latencyMs: 6 },
    { rttMs: 0.2, latencyMs: 2 },
    { rttMs: 0.7, latencyMs: 3 },
  ];

  it('interpolates between the measured points (given in any order)', () => {
    // Limit 2 × 1.25 = 2.5 ms: halfway between 0.2 ms (2 ms) and 0.7 ms (3 ms).
    expect(crossoverRtt(points, 2, 0.25)).toBeCloseTo(0.45, 12);
  });

  it('is the nearest point when the strategy is already past the limit there', () => {
    expect(crossoverRtt(points, 1, 0.1)).toBe(0.2);
  });

  it('does not extrapolate past the measured range', () => {
    expect(crossoverRtt(points, 10, 0.1)).toBeNull();
    expect(crossoverRtt([], 1, 0.1)).toBeNull();
  });
});
