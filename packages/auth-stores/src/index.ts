export type { RedisConnectionOptions, RedisReply } from './stores/redis-connection.js';
export { parseRedisUrl, RedisConnection } from './stores/redis-connection.js';
export type { MemoryRevocationListOptions, RevocationList } from './stores/revocation-list.js';
export { MAX_REVOCATIONS, MemoryRevocationList, RedisRevocationList } from './stores/revocation-list.js';
