import {
  AuthGuard,
  CLOCK,
  type MountedStrategy,
  StrategyRegistry,
  StrategyResolver,
} from '@authbench/auth-core';
import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { EarlyRefusalModule } from './accounts/early-refusal.module.js';
import type { AuthInfrastructure } from './auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from './auth/tokens.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { HealthController } from './health/health.controller.js';
import { ProblemFilter } from './http/problem.filter.js';
import { httpLoggerParams } from './logging/index.js';
import { PageModule } from './page/page.module.js';
import { StrategiesController } from './strategies/strategies.controller.js';
import {
  DefaultStrategyRoutesController,
  StrategyRoutesController,
} from './strategies/strategy-routes.controller.js';
import { UsersController } from './users/users.controller.js';

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
        LoggerModule.forRoot(httpLoggerParams(config)),
        PageModule,
        EarlyRefusalModule,
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
        { provide: CLOCK, useValue: infrastructure.now },
        { provide: StrategyRegistry, useValue: registry },
        StrategyResolver,
        InfrastructureLifecycle,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [APP_CONFIG, AUTH_INFRASTRUCTURE, CLOCK, StrategyRegistry, StrategyResolver],
    };
  }
}
