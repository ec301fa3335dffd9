import 'reflect-metadata';
import { NotFoundException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { type InfrastructureOptions, openInfrastructure } from './auth/infrastructure.js';
import { resolveSecrets } from './auth/secrets.js';
import type { AppConfig } from './config/config.js';
import { answerClientErrors } from './http/client-errors.js';
import { limitCredentialHeaders } from './http/header-limits.js';
import { mountOpenApi } from './http/openapi.js';
import { requireJsonBodies } from './http/require-json.js';
import { docsSecurityHeaders, securityHeaders } from './http/security-headers.js';
import { applyServerTimeouts } from './http/server-timeouts.js';
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
    // TRUST_PROXY: express then derives `request.ip`, `protocol`, `host` and `secure` from the
    // trusted proxies' X-Forwarded-* headers — the login rate limiter's key, the session's
    // same-origin check and its Secure-cookie decision all read those. Unset: never believed.
    if (config.TRUST_PROXY !== undefined) app.set('trust proxy', config.TRUST_PROXY);
    // First, so that every response below (errors and 404s included) carries the headers.
    app.use(securityHeaders());
    app.use(limitCredentialHeaders);
    app.use(requireJsonBodies);
    app.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
    app.enableShutdownHooks();
    if (config.NODE_ENV === 'production') {
      // CONTRACT §2: the page's helper endpoints do not exist in production (the page copes).
      app.use(
        '/demo',
        (
          request: { method: string; originalUrl: string },
          _response: unknown,
          next: (error: unknown) => void,
        ) => {
          next(new NotFoundException(`Cannot ${request.method} ${request.originalUrl.split('?')[0]}`));
        },
      );
    }
    if (config.API_DOCS) {
      app.use('/docs', docsSecurityHeaders);
      mountOpenApi(app);
    }
    applyServerTimeouts(app.getHttpServer());
    answerClientErrors(app.getHttpServer());
    return app;
  } catch (error) {
    await infrastructure.close();
    throw error;
  }
}
