import { Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import type { AuthInfrastructure } from '../auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../auth/tokens.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EarlyRefusals } from './early-refusals.js';
import { earlyRefusalMiddleware } from './mount-early-refusals.js';

/**
 * express: refused logins and registrations are answered before Nest's router (fastify does it
 * in a hook, create-app.ts). Nest middleware of a module that is not global, because Nest mounts
 * global modules' middleware first: this way it runs after the request logger's (a global
 * module's), so every refusal is logged like any other request.
 */
@Module({})
export class EarlyRefusalModule implements NestModule {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AUTH_INFRASTRUCTURE) private readonly infrastructure: AuthInfrastructure,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.config.HTTP_PLATFORM !== 'express') return;
    consumer
      .apply(earlyRefusalMiddleware(new EarlyRefusals(this.infrastructure.accounts, this.config)))
      .forRoutes({ path: '{*splat}', method: RequestMethod.POST });
  }
}
