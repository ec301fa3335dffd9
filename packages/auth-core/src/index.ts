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
export type {
  AuthExchange,
  AuthStrategy,
  CredentialTransport,
  LoginResponseBody,
  StoreStatus,
  StrategyTraits,
} from './strategy/auth-strategy.js';
export type { Principal, UserView } from './strategy/principal.js';
