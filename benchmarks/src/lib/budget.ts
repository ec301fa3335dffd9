import type { Family, RunContext } from './context.js';

/**
 * The full run's time budget (issue #17: at most 30 minutes on 2 cores). The families get 26
 * minutes; the rest is the wait for a settled machine (at most 2 minutes, runner.ts) and the
 * start-up, rendering and margin for a loaded VM.
 */
export const FULL_RUN_BUDGET_SEC = 26 * 60;

/** What the estimate needs of a run context: the families' estimators read only these. */
export type PlanContext = Pick<RunContext, 'sizes' | 'options' | 'cpu' | 'python'>;

/** Seconds each family expects to take, and their sum: the run's plan. */
export function planSeconds(
  families: readonly Family[],
  ctx: PlanContext,
): { total: number; byFamily: Record<string, number> } {
  const byFamily: Record<string, number> = {};
  let total = 0;
  for (const family of families) {
    // The estimators are typed on the full context but read only the PlanContext fields.
    const seconds = family.estimateSeconds(ctx as RunContext);
    byFamily[family.id] = seconds;
    total += seconds;
  }
  return { total, byFamily };
}
