export type { AppConfig } from './config/config.js';
export { ConfigError, configSchema, loadConfig } from './config/config.js';
export { BODY_LIMIT, createApp } from './create-app.js';
