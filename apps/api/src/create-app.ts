import 'reflect-metadata';
import { type INestApplication, NotFoundException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { EarlyRefusals } from './accounts/early-refusals.js';
import { addEarlyRefusalHook } from './accounts/mount-early-refusals.js';
import { AppModule } from './app.module.js';
import { type InfrastructureOptions, openInfrastructure } from './auth/infrastructure.js';
import { resolveSecrets } from './auth/secrets.js';
import type { AppConfig } from './config/config.js';
import { answerClientError, answerClientErrors } from './http/client-errors.js';
import { type FrontDoor, frontDoor } from './http/front-door.js';
import { BODY_LIMIT_BYTES, parseJsonBody } from './http/json-body.js';
import { mountOpenApi } from './http/openapi.js';
import {
  addFrontDoorHook,
  addHeadersHook,
  addRequestHook,
  addRouteRequestHook,
  frontDoorMiddleware,
  headersMiddleware,
  type Middleware,
} from './http/request-hooks.js';
import { DOCS_SECURITY_HEADERS, type HeaderEntry } from './http/security-headers.js';
import { applyServerTimeouts } from './http/server-timeouts.js';
import { createStartupLogger, requestIdOf } from './logging/index.js';
import { mountStrategies } from './strategies/catalog.js';

/** CONTRACT §2: request bodies over 16 KiB are refused with 413 (body-parser's notation). */
export const BODY_LIMIT = '16kb';

/** The app on either HTTP platform (`HTTP_PLATFORM`); what both share is `INestApplication`. */
export type AuthbenchApp = NestExpressApplication | NestFastifyApplication;

/** How a platform runs what every request passes before routing (`request-hooks.ts`). */
interface PlatformMounts {
  /**
   * Node-style middleware on every request, or below `prefix` (on fastify, on the routes
   * registered there only: a path below it with no route is the 404 of any unknown path).
   */
  use(middleware: Middleware, prefix?: string): void;
  /** The front door: the security headers, then its synchronous check. */
  useFrontDoor(door: FrontDoor): void;
  /** Headers that replace the front door's below `prefix`, where they are set. */
  useHeaders(headers: readonly HeaderEntry[], prefix: string): void;
}

/**
 * What is the same on both platforms: Node-style middleware, before routing, for unmatched
 * routes too, in this order — through `app.use` on express, as fastify `onRequest` hooks on
 * fastify (`request-hooks.ts`).
 */
function applyCommon(
  app: INestApplication & { use(...handlers: unknown[]): unknown },
  config: AppConfig,
  { use, useFrontDoor, useHeaders }: PlatformMounts,
): void {
  app.useLogger(app.get(Logger));
  // First, so that every response below (errors and 404s included) carries the headers.
  useFrontDoor(frontDoor());
  app.enableShutdownHooks();
  if (config.NODE_ENV === 'production') {
    // CONTRACT §2: the page's helper endpoints do not exist in production (the page copes).
    const demoNotFound: Middleware = (request, _response, next) => {
      const url = (request as { originalUrl?: string }).originalUrl ?? request.url ?? '/';
      next(new NotFoundException(`Cannot ${request.method} ${url.split('?')[0]}`));
    };
    use(demoNotFound, '/demo');
  }
  if (config.API_DOCS) {
    useHeaders(DOCS_SECURITY_HEADERS, '/docs');
    mountOpenApi(app);
  }
  applyServerTimeouts(app.getHttpServer());
}

/** express: body-parser's json, `trust proxy`, no `X-Powered-By`, Node's `clientError`. */
async function createExpressApp(
  module: ReturnType<typeof AppModule.forRoot>,
  config: AppConfig,
): Promise<AuthbenchApp> {
  // Each platform's adapter is loaded only when chosen: the other one is ~0.1 s of start-up.
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  const app = await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.disable('x-powered-by');
  // TRUST_PROXY: express then derives `request.ip`, `protocol`, `host` and `secure` from the
  // trusted proxies' X-Forwarded-* headers — the login rate limiter's key, the session's
  // same-origin check and its Secure-cookie decision all read those. Unset: never believed.
  if (config.TRUST_PROXY !== undefined) app.set('trust proxy', config.TRUST_PROXY);
  applyCommon(app, config, {
    use: (middleware, prefix) => {
      if (prefix === undefined) app.use(middleware);
      else app.use(prefix, middleware);
    },
    useFrontDoor: (door) => app.use(frontDoorMiddleware(door)),
    useHeaders: (headers, prefix) => app.use(prefix, headersMiddleware(headers)),
  });
  app.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
  answerClientErrors(app.getHttpServer());
  return app;
}

/**
 * `TRUST_PROXY` as fastify takes it: the address list as is (proxy-addr, like express); a hop
 * count as the function express's proxy-addr compiles it to (fastify's types lack the number).
 */
function fastifyTrustProxy(
  trust: NonNullable<AppConfig['TRUST_PROXY']>,
): string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/**
 * fastify: the same rules through its own options — `trustProxy` (proxy-addr, as express),
 * `bodyLimit` and one JSON parser with body-parser's rules (no other content type parses),
 * the `clientError` answer as `clientErrorHandler`. fastify sends no `X-Powered-By`.
 */
async function createFastifyApp(
  module: ReturnType<typeof AppModule.forRoot>,
  config: AppConfig,
  refusals: EarlyRefusals,
): Promise<AuthbenchApp> {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    clientErrorHandler: answerClientError,
    // Nest's logger (pino through nestjs-pino) logs requests; fastify's own stays off. The
    // request id is fastify's `request.id`, which pino-http then reads: the same rule as express.
    // At `silent` nothing reads it, so fastify's own counter stands in for a UUID per request.
    logger: false,
    ...(config.LOG_LEVEL === 'silent' ? {} : { genReqId: requestIdOf }),
    ...(config.TRUST_PROXY === undefined ? {} : { trustProxy: fastifyTrustProxy(config.TRUST_PROXY) }),
  });
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request.raw, String(body)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bodyParser: false,
    bufferLogs: true,
  });
  applyCommon(app, config, {
    use: (middleware, prefix) => {
      if (prefix === undefined) addRequestHook(fastify, middleware);
      else addRouteRequestHook(fastify, middleware, prefix);
    },
    useFrontDoor: (door) => addFrontDoorHook(fastify, door),
    useHeaders: (headers, prefix) => addHeadersHook(fastify, headers, prefix),
  });
  // Refused logins and registrations, before their bodies are read (express: EarlyRefusalModule).
  addEarlyRefusalHook(fastify, refusals);
  return app;
}

export interface CreateAppOptions {
  /** Epoch-ms clock for every strategy and store; tests move time through it. */
  readonly now?: () => number;
}

/** Builds the app without listening, so tests and benchmarks can choose the port. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<AuthbenchApp> {
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
    const module = AppModule.forRoot({ config, infrastructure, strategies });
    const app =
      config.HTTP_PLATFORM === 'fastify'
        ? await createFastifyApp(module, config, new EarlyRefusals(infrastructure.accounts, config))
        : await createExpressApp(module, config);
    return app;
  } catch (error) {
    await infrastructure.close();
    throw error;
  }
}
