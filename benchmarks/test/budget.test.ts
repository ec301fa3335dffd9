import { describe, expect, it } from '@jest/globals';
import { configRounds, httpTargets } from '../src/cases/http-throughput.js';
import { FAMILIES } from '../src/cases/index.js';
import { FULL_RUN_BUDGET_SEC, planSeconds } from '../src/lib/budget.js';
import { medianInterval } from '../src/lib/interval.js';
import { sizesFor } from '../src/lib/options.js';

const plan = (quick: boolean) =>
  planSeconds(FAMILIES, {
    sizes: sizesFor(quick),
    options: { quick, only: [], out: null, help: false },
    cpu: { cores: 2, taskset: null, serverCpus: [0], loadCpus: [1], description: 'test plan' },
    python: { available: true, path: 'python3', version: '3', modules: {} },
  });

describe('the full run fits its time budget', () => {
  it('estimates every family of the full plan at under 26 minutes in all', () => {
    const { total, byFamily } = plan(false);
    expect(Object.keys(byFamily).sort()).toEqual(FAMILIES.map((family) => family.id).sort());
    for (const seconds of Object.values(byFamily)) expect(Number.isFinite(seconds) && seconds > 0).toBe(true);
    expect(total).toBeLessThanOrEqual(FULL_RUN_BUDGET_SEC);
  });

  it('keeps at least 6 HTTP rounds where no target is decided ([min, max] reaches 95 %)', () => {
    expect(sizesFor(false).httpRounds.count).toBeGreaterThanOrEqual(6);
  });

  it('gives every comparison that decides a target an interval that drops its extreme rounds', () => {
    const { targetRounds } = sizesFor(false);
    const ranks = Array.from({ length: targetRounds }, (_, index) => index + 1);
    const interval = medianInterval(ranks);
    expect(interval.coverage).toBeGreaterThanOrEqual(0.95);
    expect(interval.low).toBeGreaterThan(1);
    expect(interval.high).toBeLessThan(targetRounds);
  });

  it('runs the target rounds in every HTTP configuration a target reads, and only there', () => {
    const sizes = sizesFor(false);
    const targets = httpTargets();
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(configRounds(target.config, sizes)).toBe(sizes.targetRounds);
    // Configurations without targets keep the shorter count (the budget pays only for targets).
    for (const config of ['redis-1w', 'redis-2w', 'cluster-1w', 'memory-1w-stateless'])
      expect(configRounds(config, sizes)).toBe(sizes.httpRounds.count);
  });

  it('estimates a quick run at a fraction of the full one', () => {
    expect(plan(true).total).toBeLessThan(plan(false).total / 3);
  });
});
