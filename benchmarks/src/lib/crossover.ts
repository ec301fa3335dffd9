/**
 * The store distance at which a store-backed strategy's latency exceeds the stateless one's by
 * a given share: linear interpolation between the measured points (x = the round-trip time the
 * proxy was measured to add, y = latency). `null` when the measured range never gets there —
 * no extrapolation beyond what was measured; 0 when it is already past at the nearest point.
 */
export interface LatencyPoint {
  readonly rttMs: number;
  readonly latencyMs: number;
}

export function crossoverRtt(
  points: readonly LatencyPoint[],
  referenceMs: number,
  excess: number,
): number | null {
  const limit = referenceMs * (1 + excess);
  const sorted = [...points]
    .filter((point) => Number.isFinite(point.rttMs) && Number.isFinite(point.latencyMs))
    .sort((a, b) => a.rttMs - b.rttMs);
  const first = sorted[0];
  if (first === undefined || !Number.isFinite(limit)) return null;
  if (first.latencyMs > limit) return Math.max(0, first.rttMs);
  for (let index = 1; index < sorted.length; index += 1) {
    const low = sorted[index - 1] as LatencyPoint;
    const high = sorted[index] as LatencyPoint;
    if (high.latencyMs > limit) {
      const share = (limit - low.latencyMs) / (high.latencyMs - low.latencyMs);
      return low.rttMs + share * (high.rttMs - low.rttMs);
    }
  }
  return null;
}
