export type { AuthErrorCode, AuthErrorOptions } from './errors/auth-error.js';
export { AuthError } from './errors/auth-error.js';
export {
  CrossSiteRequestError,
  InvalidRequestError,
  StoreUnavailableError,
  TooManyAttemptsError,
  UsernameTakenError,
} from './errors/http-problems.js';
export type { ProblemDetails, ProblemErrorOptions } from './errors/problem.js';
export { ProblemError } from './errors/problem.js';
export { AuthGuard } from './nest/auth.guard.js';
export type { RequestWithPrincipal } from './nest/decorators.js';
export {
  CurrentPrincipal,
  IS_PUBLIC,
  PRINCIPAL_KEY,
  Public,
  principalOf,
  ROUTE_STRATEGY,
  UseStrategy,
} from './nest/decorators.js';
export { StrategyRegistry } from './nest/strategy-registry.js';
export { StrategyResolver } from './nest/strategy-resolver.js';
export { CLOCK, REDIS_CONNECTION, USER_REPOSITORY } from './nest/tokens.js';
export type { Argon2Parameters, PasswordHasher } from './passwords/password-hasher.js';
export { Argon2PasswordHasher, OWASP_ARGON2ID } from './passwords/password-hasher.js';
export type { LoginRateLimit } from './rate-limit/login-rate-limiter.js';
export { LoginRateLimiter, parseLoginRateLimit } from './rate-limit/login-rate-limiter.js';
export type { RedisConnectionOptions, RedisReply } from './stores/redis-connection.js';
export { parseRedisUrl, RedisConnection } from './stores/redis-connection.js';
export type { MemoryRevocationListOptions, RevocationList } from './stores/revocation-list.js';
export { MemoryRevocationList, RedisRevocationList } from './stores/revocation-list.js';
export type {
  AuthExchange,
  AuthStrategy,
  CredentialTransport,
  LoginResponseBody,
  StoreStatus,
  StrategyTraits,
} from './strategy/auth-strategy.js';
export type { Principal, UserView } from './strategy/principal.js';
export { MIGRATIONS, migrate } from './users/migrations.js';
export type { UserStoreOptions } from './users/open-user-repository.js';
export { openUserRepository } from './users/open-user-repository.js';
export type { PostgresPoolOptions } from './users/pg-client.js';
export { openPostgresSql } from './users/pg-client.js';
export { openEmbeddedSql } from './users/pglite-client.js';
export type { SqlClient } from './users/sql-client.js';
export { SqlUserRepository } from './users/sql-user-repository.js';
export type { NewUser, User, UserLookup, UserRepository } from './users/user.js';
export { toUserView, UserAccounts } from './users/user-accounts.js';
export { normalizePassword, normalizeUsername, usernameKey } from './users/username.js';
