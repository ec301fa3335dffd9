import { Public, type StoreStatus, StrategyRegistry } from '@authbench/auth-core';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthInfrastructure } from '../auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../auth/tokens.js';

export interface HealthReport {
  readonly status: 'ok';
  readonly stores: Readonly<Record<string, StoreStatus>>;
}

@Controller()
export class HealthController {
  constructor(
    @Inject(AUTH_INFRASTRUCTURE) private readonly infrastructure: AuthInfrastructure,
    private readonly registry: StrategyRegistry,
  ) {}

  /** 200 when every configured store answers; 503 problem+json naming the ones that do not. */
  @Public()
  @Get('health')
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport | undefined> {
    const reports = await Promise.all([
      this.infrastructure.storeHealth(),
      ...this.registry.list().map((strategy) => strategy.storeHealth()),
    ]);
    const stores: Record<string, StoreStatus> = Object.assign({}, ...reports);
    const down = Object.keys(stores).filter((name) => stores[name] === 'down');
    if (down.length === 0) return { status: 'ok', stores };
    response
      .status(503)
      .type('application/problem+json')
      .send(
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
