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
  constructor(private readonly registry: StrategyRegistry) {}

  /** What each mounted strategy costs and can do, as configured now. */
  @Public()
  @Get()
  list(): StrategyDescription[] {
    return this.registry.list().map((strategy) => ({
      name: strategy.name,
      prefix: `/${strategy.name}`,
      traits: { ...strategy.traits(), transport: strategy.transport },
    }));
  }
}
