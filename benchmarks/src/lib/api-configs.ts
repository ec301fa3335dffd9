import type { ApiConfig, MeteredStores } from './api-process.js';
import type { ModeSizes } from './options.js';
import type { Services } from './services.js';
import type { StoreProxies } from './store-proxies.js';

/**
 * The API configurations the families measure, by key. Every one mounts all three strategies
 * (the same app) unless it says otherwise; secrets, NODE_ENV=production, LOG_LEVEL=silent and
 * DATA_DIR=:memory: are set for all by `startApi`. The `-fastify` keys are the same
 * configuration on HTTP_PLATFORM=fastify: the platform is a variable of the HTTP benchmark.
 */
export const API_CONFIG_KEYS = [
  'memory-1w',
  'memory-1w-stateless',
  'redis-1w',
  'redis-1w-b',
  'redis-2w',
  'memory-1w-fastify',
  'memory-1w-stateless-fastify',
  'redis-1w-fastify',
  'redis-2w-fastify',
  'cluster-1w',
  'proxied-1w',
  'stateless-a',
  'stateless-b',
] as const;
export type ApiConfigKey = (typeof API_CONFIG_KEYS)[number];

export function apiConfigs(
  services: Pick<Services, 'url'>,
  proxies: Pick<StoreProxies, 'urls'>,
  sizes: ModeSizes,
) {
  const shared = async () => ({
    REDIS_URL: await services.url('redis'),
    DATABASE_URL: await services.url('postgres'),
  });
  const direct = async (): Promise<MeteredStores> => ({
    redis: await services.url('redis'),
    postgres: await services.url('postgres'),
  });
  const configOf = async (key: string): Promise<ApiConfig> => {
    switch (key as ApiConfigKey) {
      case 'memory-1w':
        return {
          key,
          workers: 1,
          stores: 'memory',
          env: {},
          metered: {},
          description: 'one process, in-process stores, embedded users',
        };
      case 'memory-1w-stateless':
        return {
          key,
          workers: 1,
          stores: 'memory',
          env: { JWT_REVOCATION: 'none' },
          metered: {},
          description: 'one process, in-process stores, JWT_REVOCATION=none (stateless JWT)',
        };
      case 'redis-1w':
      case 'redis-1w-b':
        return {
          key,
          workers: 1,
          stores: 'redis',
          env: await shared(),
          metered: await direct(),
          description: 'one process, Redis + PostgreSQL',
        };
      case 'redis-2w':
        return {
          key,
          workers: 2,
          stores: 'redis',
          env: { ...(await shared()), API_WORKERS: '2' },
          metered: await direct(),
          description: 'API_WORKERS=2 (node:cluster), Redis + PostgreSQL',
        };
      case 'memory-1w-fastify':
      case 'memory-1w-stateless-fastify':
      case 'redis-1w-fastify':
      case 'redis-2w-fastify':
        return onFastify(key, await configOf(key.slice(0, -'-fastify'.length)));
      case 'cluster-1w':
        // The cluster (scripts/services.sh `cluster`) as the app's Redis: REDIS_URL takes the
        // `redis+cluster://seed,seed,…` form; PostgreSQL stays the single server.
        return {
          key,
          workers: 1,
          stores: 'redis',
          env: { ...(await shared()), REDIS_URL: await services.url('cluster') },
          // Every shard is a seed of the URL: their CPU adds up as the `redis` meter.
          metered: { redis: await services.url('cluster'), postgres: await services.url('postgres') },
          description: 'one process, Redis Cluster (3 shards) + PostgreSQL',
        };
      case 'proxied-1w': {
        const urls = await proxies.urls();
        return {
          key,
          workers: 1,
          stores: 'redis',
          env: { REDIS_URL: urls.redis, DATABASE_URL: urls.postgres },
          // The servers behind the proxies, never the proxies (MeteredStores says why).
          metered: await direct(),
          description: 'one process, Redis and PostgreSQL through the latency/counting proxies',
        };
      }
      case 'stateless-a':
      case 'stateless-b':
        return {
          key,
          workers: 1,
          stores: 'redis',
          env: {
            ...(await shared()),
            AUTH_STRATEGIES: 'jwt',
            JWT_REVOCATION: 'none',
            JWT_TTL: String(sizes.statelessJwtTtlSeconds),
          },
          metered: await direct(),
          description: `one process, JWT only, JWT_REVOCATION=none, JWT_TTL=${sizes.statelessJwtTtlSeconds}`,
        };
      default:
        throw new Error(`unknown API configuration ${key}`);
    }
  };
  return configOf;
}

/** The same configuration served by Nest's fastify adapter. */
function onFastify(key: string, express: ApiConfig): ApiConfig {
  return {
    ...express,
    key,
    env: { ...express.env, HTTP_PLATFORM: 'fastify' },
    description: `${express.description}, HTTP_PLATFORM=fastify`,
  };
}
