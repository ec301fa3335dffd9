// Types of charts.js for the tests that import it under Node (the browser needs none).

export interface NormalizedCase {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly ratio: number | null;
  readonly baseline: string | null;
  readonly isBaseline: boolean;
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
