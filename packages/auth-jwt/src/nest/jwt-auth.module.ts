import { type DynamicModule, Module } from '@nestjs/common';
import { JwtStrategy } from '../jwt.strategy.js';
import { JwksController } from './jwks.controller.js';
import { JwtRefreshController } from './jwt-refresh.controller.js';

/**
 * The JWT strategy's own routes (`POST /jwt/refresh`, `GET /.well-known/jwks.json`). Login,
 * logout and the protected route are the app's, shared by every strategy; the app registers
 * the same `JwtStrategy` instance in its StrategyRegistry.
 */
@Module({})
export class JwtAuthModule {
  static register(strategy: JwtStrategy): DynamicModule {
    return {
      module: JwtAuthModule,
      controllers: [JwtRefreshController, JwksController],
      providers: [{ provide: JwtStrategy, useValue: strategy }],
      exports: [JwtStrategy],
    };
  }
}
