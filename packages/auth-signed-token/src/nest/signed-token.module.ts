import {
  type DynamicModule,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import type { SignedTokenStrategyOptions } from '../options.js';
import { createSignedTokenStrategy } from '../strategy.js';

/** Injection token of the `SignedTokenStrategy` instance. */
export const SIGNED_TOKEN_STRATEGY = Symbol.for('authbench.SignedTokenStrategy');

export interface SignedTokenModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Builds the options from the injected providers (config, user repository, Redis…). */
  useFactory(...args: unknown[]): SignedTokenStrategyOptions | Promise<SignedTokenStrategyOptions>;
}

/**
 * The thin Nest layer: provides the strategy under `SIGNED_TOKEN_STRATEGY`. Registering it in
 * the `StrategyRegistry` and mounting routes stay with the app.
 */
@Module({})
export class SignedTokenModule {
  static forRoot(options: SignedTokenStrategyOptions): DynamicModule {
    return {
      module: SignedTokenModule,
      providers: [{ provide: SIGNED_TOKEN_STRATEGY, useValue: createSignedTokenStrategy(options) }],
      exports: [SIGNED_TOKEN_STRATEGY],
    };
  }

  static forRootAsync(options: SignedTokenModuleAsyncOptions): DynamicModule {
    return {
      module: SignedTokenModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: SIGNED_TOKEN_STRATEGY,
          inject: options.inject ?? [],
          useFactory: async (...args: unknown[]) =>
            createSignedTokenStrategy(await options.useFactory(...args)),
        },
      ],
      exports: [SIGNED_TOKEN_STRATEGY],
    };
  }
}
