// Types of charts.js for the tests that import it under Node (the browser needs none).

/** An interval of the median over rounds, or the p10–p90 spread of in-process samples. */
export interface Spread {
  readonly low: number;
  readonly high: number;
  readonly kind: 'interval' | 'p10–p90';
}

export interface NormalizedCase {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly ratio: number | null;
  readonly baseline: string | null;
  readonly isBaseline: boolean;
  readonly spread: Spread | null;
  /** Server (API process) CPU µs per request, for HTTP cases that measured it. */
  readonly cpu: { readonly value: number; readonly spread: Spread | null } | null;
}

export interface NormalizedFamily {
  readonly name: string;
  readonly unit: string;
  readonly explanation: string;
  readonly cases: NormalizedCase[];
}

export function normalizeResults(
  results: unknown,
): { readonly families: NormalizedFamily[]; readonly meta: [string, string][] } | null;

export function renderBenchmarks(container: Element, result: unknown): void;
