/**
 * The scale model (a model, not a measurement): throughput against API cores and Redis shards
 * from measured CPU per request. Assumptions, all stated in the report:
 * - the API is CPU-bound, one worker per core, and every core delivers what one core delivered
 *   here (`efficiency` = share of a pinned core the API kept busy in the 1-worker runs);
 * - Redis executes commands on one thread: one shard serves at most 1e6 / (its CPU µs per
 *   request) requests per second; a Redis Cluster multiplies that by its shards, keys spread
 *   evenly (hash slots) and no cross-slot commands;
 * - the network, PostgreSQL and the load generators never limit.
 */

/** What one request of a strategy costs, measured. */
export interface RequestCost {
  /** API process CPU per request, µs (all workers). */
  readonly apiUs: number;
  /** Redis CPU per request, µs; 0 = no store on the request path (stateless). */
  readonly redisUs: number;
}

export interface Projection {
  readonly reqPerSec: number;
  /** Which resource sets the figure. */
  readonly limitedBy: 'api' | 'redis';
  readonly apiCapPerSec: number;
  /** Infinity for a stateless strategy. */
  readonly storeCapPerSec: number;
}

/** What `cores` API cores deliver: each core busy `efficiency` of the time, 1e6 / apiUs per busy second. */
export function apiCapacity(cost: RequestCost, cores: number, efficiency: number): number {
  if (cost.apiUs <= 0) throw new RangeError('API CPU per request must be positive');
  return (cores * efficiency * 1e6) / cost.apiUs;
}

/** The store's cap: one single-threaded Redis per shard, fully busy. */
export function storeCapacity(cost: RequestCost, shards: number): number {
  return cost.redisUs <= 0 ? Number.POSITIVE_INFINITY : (shards * 1e6) / cost.redisUs;
}

export function project(cost: RequestCost, cores: number, shards: number, efficiency: number): Projection {
  const apiCapPerSec = apiCapacity(cost, cores, efficiency);
  const storeCapPerSec = storeCapacity(cost, shards);
  return {
    reqPerSec: Math.min(apiCapPerSec, storeCapPerSec),
    limitedBy: apiCapPerSec <= storeCapPerSec ? 'api' : 'redis',
    apiCapPerSec,
    storeCapPerSec,
  };
}

/** API cores at which the store becomes the limit (Infinity when stateless). */
export function crossoverCores(cost: RequestCost, shards: number, efficiency: number): number {
  const cap = storeCapacity(cost, shards);
  return Number.isFinite(cap) ? (cap * cost.apiUs) / (efficiency * 1e6) : Number.POSITIVE_INFINITY;
}

/**
 * Per-core efficiency from measured runs: req/s × API µs per request ÷ 1e6 = the share of the
 * cores the API kept busy. The median over routes, so one noisy route does not set it.
 */
export function efficiencyOf(points: readonly { reqPerSec: number; apiUs: number; cores: number }[]): number {
  const shares = points
    .filter((point) => point.reqPerSec > 0 && point.apiUs > 0 && point.cores > 0)
    .map((point) => (point.reqPerSec * point.apiUs) / 1e6 / point.cores)
    .sort((a, b) => a - b);
  if (shares.length === 0) throw new RangeError('no measured point to calibrate the per-core efficiency');
  const middle = (shares.length - 1) / 2;
  return ((shares[Math.floor(middle)] as number) + (shares[Math.ceil(middle)] as number)) / 2;
}

export interface Validation {
  readonly predicted: number;
  readonly measured: number;
  /** (predicted − measured) ÷ measured, %. */
  readonly errorPercent: number;
  /** The prediction lies inside the measured interval. */
  readonly withinInterval: boolean;
}

export function validate(
  predicted: number,
  measured: { readonly value: number; readonly low?: number; readonly high?: number },
): Validation {
  const low = measured.low ?? measured.value;
  const high = measured.high ?? measured.value;
  return {
    predicted,
    measured: measured.value,
    errorPercent:
      measured.value === 0 ? Number.POSITIVE_INFINITY : ((predicted - measured.value) / measured.value) * 100,
    withinInterval: predicted >= low && predicted <= high,
  };
}

/** API cores (one worker each, on as many hosts as needed) the projection is drawn at. */
export const PROJECTED_CORES = [1, 2, 4, 8, 16, 32, 64] as const;
/** Redis shards: one server, and the smallest Redis Cluster (3 masters), and a larger one. */
export const PROJECTED_SHARDS = [1, 3, 6] as const;
