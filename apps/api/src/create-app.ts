import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { type InfrastructureOptions, openInfrastructure } from './auth/infrastructure.js';
import { resolveSecrets } from './auth/secrets.js';
import type { AppConfig } from './config/config.js';
import { mountOpenApi } from './http/openapi.js';
import { requireJsonBodies } from './http/require-json.js';
import { createStartupLogger } from './logging/index.js';
import { mountStrategies } from './strategies/catalog.js';

/** CONTRACT §2: request bodies over 16 KiB are refused with 413. */
export const BODY_LIMIT = '16kb';

export interface CreateAppOptions {
  /** Epoch-ms clock for every strategy and store; tests move time through it. */
  readonly now?: () => number;
}

/** Builds the app without listening, so tests and benchmarks can choose the port. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  // Start-up messages before Nest's logger exists, through the same output (JSON, or readable on a terminal).
  const startupLog = createStartupLogger(config);
  const secrets = resolveSecrets(config, (message) => startupLog.warn(message));
  const infrastructureOptions: InfrastructureOptions = {
    ...(options.now === undefined ? {} : { now: options.now }),
    onRedisError: (error) => startupLog.warn({ err: { message: error.message } }, 'redis connection error'),
  };
  const infrastructure = await openInfrastructure(config, infrastructureOptions);
  try {
    const strategies = await mountStrategies(config, secrets, infrastructure, (message) =>
      startupLog.warn(message),
    );
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, infrastructure, strategies }),
      { bodyParser: false, bufferLogs: true },
    );
    app.useLogger(app.get(Logger));
    app.disable('x-powered-by');
    app.use(requireJsonBodies);
    app.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
    app.enableShutdownHooks();
    mountOpenApi(app);
    return app;
  } catch (error) {
    await infrastructure.close();
    throw error;
  }
}
