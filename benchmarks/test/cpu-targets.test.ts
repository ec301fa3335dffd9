import { describe, expect, it } from '@jest/globals';
import { type CaseInput, evaluateTarget, finalizeCases } from '../src/lib/results.js';

/** A …/cpu case as http-throughput writes it: µs/request, lower is better, `value` per round. */
function cpuCase(id: string, perRound: readonly number[]): CaseInput {
  const sorted = [...perRound].sort((a, b) => a - b);
  return {
    id,
    family: 'http-throughput',
    label: id,
    unit: 'µs/request',
    better: 'lower',
    value: sorted[Math.floor(sorted.length / 2)] ?? 0,
    numbers: { apiCpuUsPerRequest: sorted[0] ?? 0 },
    baselineId: 'http-throughput/memory-1w/lean-jwt/cpu',
    params: {},
    rounds: perRound.map((value, position) => ({ position, value, apiCpuUsPerRequest: value })),
  };
}

const LEAN = [340, 300, 360, 320, 380, 310];
const spec = {
  id: 'http-cpu-jwt-express',
  family: 'http-throughput' as const,
  description: 'costs ≤ 1.3× the lean route',
  caseId: 'http-throughput/memory-1w/jwt/cpu',
  referenceId: 'http-throughput/memory-1w/lean-jwt/cpu',
  goal: 1 / 1.3,
};

function evaluate(factor: number) {
  const cases = finalizeCases([
    cpuCase('http-throughput/memory-1w/lean-jwt/cpu', LEAN),
    cpuCase(
      'http-throughput/memory-1w/jwt/cpu',
      LEAN.map((value) => value * factor),
    ),
  ]);
  return evaluateTarget(spec, cases);
}

describe('CPU-per-request targets', () => {
  it('pairs the rounds by their `value` (the CPU), not by req/s, and inverts a cost into "× as good"', () => {
    const result = evaluate(1.2);
    expect(result.measured).toBeCloseTo(1 / 1.2, 10);
    expect(result.rounds).toBe(6);
    expect(result.status).toBe('met');
  });

  it('misses a goal when every paired round costs more than the allowed factor', () => {
    const result = evaluate(1.5);
    expect(result.measured).toBeCloseTo(1 / 1.5, 10);
    expect(result.status).toBe('missed');
  });

  it('is inconclusive when the paired ratios straddle the goal', () => {
    const cases = finalizeCases([
      cpuCase('http-throughput/memory-1w/lean-jwt/cpu', LEAN),
      cpuCase(
        'http-throughput/memory-1w/jwt/cpu',
        LEAN.map((value, index) => value * (index % 2 === 0 ? 1.1 : 1.5)),
      ),
    ]);
    expect(evaluateTarget(spec, cases).status).toBe('inconclusive');
  });
});
