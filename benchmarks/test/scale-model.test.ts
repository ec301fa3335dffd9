import { describe, expect, it } from '@jest/globals';
import {
  apiCapacity,
  crossoverCores,
  efficiencyOf,
  project,
  storeCapacity,
  validate,
} from '../src/lib/scale-model.js';

describe('scale model arithmetic', () => {
  it('API capacity grows linearly with cores at the measured efficiency', () => {
    // 500 µs per request: 2 000 req/s per fully busy core; 80 % busy: 1 600.
    expect(apiCapacity({ apiUs: 500, redisUs: 0 }, 1, 1)).toBe(2_000);
    expect(apiCapacity({ apiUs: 500, redisUs: 0 }, 1, 0.8)).toBeCloseTo(1_600);
    expect(apiCapacity({ apiUs: 500, redisUs: 0 }, 64, 0.8)).toBeCloseTo(102_400);
    expect(() => apiCapacity({ apiUs: 0, redisUs: 0 }, 1, 1)).toThrow(RangeError);
  });

  it('caps a store-bound strategy at shards × 1e6 ÷ Redis µs; stateless has no cap', () => {
    expect(storeCapacity({ apiUs: 500, redisUs: 20 }, 1)).toBe(50_000);
    expect(storeCapacity({ apiUs: 500, redisUs: 20 }, 3)).toBe(150_000);
    expect(storeCapacity({ apiUs: 500, redisUs: 0 }, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('projects the lower of the two and says which one limits', () => {
    const cost = { apiUs: 500, redisUs: 20 };
    expect(project(cost, 8, 1, 1)).toMatchObject({ reqPerSec: 16_000, limitedBy: 'api' });
    expect(project(cost, 64, 1, 1)).toMatchObject({ reqPerSec: 50_000, limitedBy: 'redis' });
    expect(project(cost, 64, 3, 1)).toMatchObject({ reqPerSec: 128_000, limitedBy: 'api' });
    expect(project({ apiUs: 500, redisUs: 0 }, 64, 1, 1)).toMatchObject({
      reqPerSec: 128_000,
      limitedBy: 'api',
    });
  });

  it('finds the core count where the store takes over', () => {
    // Cap 50 000 req/s; each core 2 000 req/s → 25 cores; 3 shards → 75.
    expect(crossoverCores({ apiUs: 500, redisUs: 20 }, 1, 1)).toBeCloseTo(25);
    expect(crossoverCores({ apiUs: 500, redisUs: 20 }, 3, 1)).toBeCloseTo(75);
    expect(crossoverCores({ apiUs: 500, redisUs: 0 }, 1, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('calibrates efficiency as the median busy share of the measured cores', () => {
    // 1 600 req/s × 500 µs = 0.8 core; 1 000 × 700 = 0.7; 1 800 × 500 = 0.9.
    const points = [
      { reqPerSec: 1_600, apiUs: 500, cores: 1 },
      { reqPerSec: 1_000, apiUs: 700, cores: 1 },
      { reqPerSec: 1_800, apiUs: 500, cores: 1 },
    ];
    expect(efficiencyOf(points)).toBeCloseTo(0.8);
    expect(() => efficiencyOf([])).toThrow(RangeError);
  });

  it('validates a prediction against a measured median and its interval', () => {
    const inside = validate(1_100, { value: 1_000, low: 950, high: 1_150 });
    expect(inside.errorPercent).toBeCloseTo(10);
    expect(inside.withinInterval).toBe(true);
    const outside = validate(800, { value: 1_000, low: 950, high: 1_150 });
    expect(outside.errorPercent).toBeCloseTo(-20);
    expect(outside.withinInterval).toBe(false);
    expect(validate(1_000, { value: 1_000 }).withinInterval).toBe(true);
  });
});
