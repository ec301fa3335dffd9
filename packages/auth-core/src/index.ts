export type { AuthErrorCode, AuthErrorOptions } from './errors/auth-error.js';
export { AuthError } from './errors/auth-error.js';
export {
  CrossSiteRequestError,
  InvalidRequestError,
  StoreUnavailableError,
  TooManyAttemptsError,
  UsernameTakenError,
  wholeRetryAfterSeconds,
} from './errors/http-problems.js';
export type { ProblemDetails, ProblemErrorOptions } from './errors/problem.js';
export { ProblemError } from './errors/problem.js';
export { AuthGuard } from './nest/auth.guard.js';
export type { HttpRequest, RequestWithPrincipal } from './nest/decorators.js';
export {
  CurrentPrincipal,
  credentialRequestOf,
  IS_PUBLIC,
  PRINCIPAL_KEY,
  Public,
  pathOf,
  principalOf,
  ROUTE_STRATEGY,
  UseStrategy,
} from './nest/decorators.js';
export { StrategyRegistry } from './nest/strategy-registry.js';
export { StrategyResolver } from './nest/strategy-resolver.js';
export { CLOCK } from './nest/tokens.js';
export type {
  AuthExchange,
  AuthStrategy,
  CredentialRequest,
  CredentialTransport,
  ExchangeRequest,
  LoginResponseBody,
  ServerStateSize,
  StoreStatus,
  StrategyTraits,
} from './strategy/auth-strategy.js';
export { authenticateRequest } from './strategy/authenticate.js';
export { bearerCredentialOf, MAX_BEARER_LENGTH } from './strategy/bearer.js';
export type {
  AnyStrategyDescriptor,
  AppSettings,
  CredentialAnatomy,
  JsonSchema,
  MountedStrategy,
  PageDescription,
  SettingVariable,
  StrategyDescriptor,
  StrategyFactoryContext,
} from './strategy/descriptor.js';
export { defineStrategy } from './strategy/descriptor.js';
export type { LoginUser, Principal, UserView } from './strategy/principal.js';
export type { Environment } from './strategy/settings.js';
export {
  choiceSetting,
  MIN_SECRET_BYTES,
  SettingsError,
  secondsSetting,
  secretListSetting,
  settingValue,
  textSetting,
} from './strategy/settings.js';
