export { freePort } from './free-port.js';
export { findProgram, requireProgramOrSkip } from './programs.js';
export type { TestRedisServer } from './redis-server.js';
export { redisServerProgram, startTestRedis } from './redis-server.js';
