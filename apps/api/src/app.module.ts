import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  AuthGuard,
  CLOCK,
  REDIS_CONNECTION,
  StrategyRegistry,
  StrategyResolver,
  USER_REPOSITORY,
} from '@authbench/auth-core';
import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { AuthInfrastructure } from './auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from './auth/tokens.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { HealthController } from './health/health.controller.js';
import { ProblemFilter } from './http/problem.filter.js';
import { PageModule } from './page/page.module.js';
import type { MountedStrategy } from './strategies/mounted-strategy.js';
import { StrategiesController } from './strategies/strategies.controller.js';
import {
  DefaultStrategyRoutesController,
  StrategyRoutesController,
} from './strategies/strategy-routes.controller.js';
import { UsersController } from './users/users.controller.js';

/** Request ids from a client are echoed only when they look like ids, never as arbitrary log input. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
}

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly infrastructure: AuthInfrastructure;
  readonly strategies: readonly MountedStrategy[];
}

/** Closes the shared stores when the app shuts down (SIGTERM, SIGINT, `app.close()`). */
class InfrastructureLifecycle implements OnApplicationShutdown {
  constructor(@Inject(AUTH_INFRASTRUCTURE) private readonly infrastructure: AuthInfrastructure) {}

  async onApplicationShutdown(): Promise<void> {
    await this.infrastructure.close();
  }
}

@Global()
@Module({})
export class AppModule {
  static forRoot({ config, infrastructure, strategies }: AppModuleOptions): DynamicModule {
    const registry = new StrategyRegistry();
    for (const { strategy } of strategies) registry.register(strategy);
    registry.setDefault(config.AUTH_DEFAULT ?? null);
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: requestIdOf,
            // Credentials never reach the logs, whatever a serializer decides to include.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { id: unknown; method: unknown; url: unknown }) => ({
                id: req.id,
                method: req.method,
                // The path only: a query string may carry what a client should not have sent.
                url: typeof req.url === 'string' ? req.url.split('?')[0] : req.url,
              }),
              res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
        PageModule,
        ...strategies.flatMap(({ module }) => (module === undefined ? [] : [module])),
      ],
      // Order matters: fixed paths before `/:strategy/…`.
      controllers: [
        HealthController,
        UsersController,
        StrategiesController,
        DefaultStrategyRoutesController,
        StrategyRoutesController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: AUTH_INFRASTRUCTURE, useValue: infrastructure },
        { provide: USER_REPOSITORY, useValue: infrastructure.users },
        { provide: REDIS_CONNECTION, useValue: infrastructure.redis },
        { provide: CLOCK, useValue: infrastructure.now },
        { provide: StrategyRegistry, useValue: registry },
        StrategyResolver,
        InfrastructureLifecycle,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [
        APP_CONFIG,
        AUTH_INFRASTRUCTURE,
        USER_REPOSITORY,
        REDIS_CONNECTION,
        CLOCK,
        StrategyRegistry,
        StrategyResolver,
      ],
    };
  }
}
