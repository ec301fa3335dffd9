import { Public, type StoreStatus, StrategyRegistry } from '@authbench/auth-core';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { AuthInfrastructure } from '../auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../auth/tokens.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { AppReply } from '../http/platform.js';

export interface HealthReport {
  readonly status: 'ok';
  /** CONTRACT §2: the HTTP platform serving this process (`HTTP_PLATFORM`). */
  readonly platform: AppConfig['HTTP_PLATFORM'];
  readonly stores: Readonly<Record<string, StoreStatus>>;
}

@Controller()
export class HealthController {
  constructor(
    @Inject(AUTH_INFRASTRUCTURE) private readonly infrastructure: AuthInfrastructure,
    private readonly registry: StrategyRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 200 when every configured store answers; 503 problem+json naming the ones that do not. */
  @Public()
  @Get('health')
  async health(@Res({ passthrough: true }) response: AppReply): Promise<HealthReport | undefined> {
    const reports = await Promise.all([
      this.infrastructure.storeHealth(),
      ...this.registry.list().map((strategy) => strategy.storeHealth()),
    ]);
    const stores: Record<string, StoreStatus> = Object.assign({}, ...reports);
    const down = Object.keys(stores).filter((name) => stores[name] === 'down');
    if (down.length === 0) return { status: 'ok', platform: this.config.HTTP_PLATFORM, stores };
    response.status(503);
    response.header('Content-Type', 'application/problem+json; charset=utf-8');
    response.send(
      JSON.stringify({
        type: 'urn:authbench:problem:store-unavailable',
        title: 'Service Unavailable',
        status: 503,
        detail: `Unreachable: ${down.join(', ')}.`,
        stores,
      }),
    );
    return undefined;
  }
}
