import {
  type CredentialTransport,
  Public,
  StrategyRegistry,
  type StrategyTraits,
} from '@authbench/auth-core';
import { Controller, Get } from '@nestjs/common';

export interface StrategyDescription {
  readonly name: string;
  readonly prefix: string;
  readonly traits: StrategyTraits & { readonly transport: CredentialTransport };
}

@Controller('strategies')
export class StrategiesController {
  /**
   * The list, built at the first request: the registry is filled and each strategy's traits
   * fixed by its options before the app serves, so rebuilding it per request would only
   * allocate the same objects again.
   */
  private described: readonly StrategyDescription[] | undefined;

  constructor(private readonly registry: StrategyRegistry) {}

  /** What each mounted strategy costs and can do, as configured. */
  @Public()
  @Get()
  list(): readonly StrategyDescription[] {
    this.described ??= Object.freeze(
      this.registry.list().map((strategy) => ({
        name: strategy.name,
        prefix: `/${strategy.name}`,
        traits: { ...strategy.traits(), transport: strategy.transport },
      })),
    );
    return this.described;
  }
}
