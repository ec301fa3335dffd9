import { describe, expect, it } from '@jest/globals';
import { FAMILIES } from '../src/cases/index.js';
import { FULL_RUN_BUDGET_SEC, planSeconds } from '../src/lib/budget.js';
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

  it('keeps the HTTP rounds that decide targets: 6 per route, not fewer', () => {
    expect(sizesFor(false).httpRounds.count).toBeGreaterThanOrEqual(6);
  });

  it('estimates a quick run at a fraction of the full one', () => {
    expect(plan(true).total).toBeLessThan(plan(false).total / 3);
  });
});
