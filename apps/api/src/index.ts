export type { StrategyInfrastructure } from './auth/infrastructure.js';
export type { AppConfig, ConfiguredStrategy } from './config/config.js';
export { ConfigError, configSchema, loadConfig } from './config/config.js';
export { BODY_LIMIT, createApp } from './create-app.js';
export { CATALOG, mountStrategies, STRATEGY_NAMES } from './strategies/catalog.js';
