export { freePort } from './free-port.js';
export type { TestPostgresServer } from './postgres-server.js';
export { postgresBinDir, startTestPostgres } from './postgres-server.js';
export { findProgram, requireProgramOrSkip } from './programs.js';
export type { TestRedisCluster } from './redis-cluster.js';
export { startTestRedisCluster } from './redis-cluster.js';
export type { TestRedisClient, TestRedisServer } from './redis-server.js';
export {
  type ConnectedTestRedis,
  connectTestRedis,
  redisServerProgram,
  startTestRedis,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
} from './redis-server.js';
