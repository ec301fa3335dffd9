import {
  type CredentialTransport,
  Public,
  StrategyRegistry,
  type StrategyTraits,
} from '@authbench/auth-core';
import { Controller, Get, Res } from '@nestjs/common';
import type { AppReply } from '../http/platform.js';
import { PreparedJson } from '../http/prepared-json.js';

export interface StrategyDescription {
  readonly name: string;
  readonly prefix: string;
  readonly traits: StrategyTraits & { readonly transport: CredentialTransport };
}

/** What each mounted strategy costs and can do, as configured: the body of `GET /strategies`. */
function describeStrategies(registry: StrategyRegistry): readonly StrategyDescription[] {
  return registry.list().map((strategy) => ({
    name: strategy.name,
    prefix: `/${strategy.name}`,
    traits: { ...strategy.traits(), transport: strategy.transport },
  }));
}

@Controller('strategies')
export class StrategiesController {
  /**
   * The list as bytes, built at the first request: the registry is filled and each strategy's
   * traits fixed by its options before the app serves, so the body never changes, and
   * serializing it per request (the public baseline's largest own cost) would only repeat it.
   */
  private described: PreparedJson | undefined;

  constructor(private readonly registry: StrategyRegistry) {}

  /** What each mounted strategy costs and can do, as configured. */
  @Public()
  @Get()
  list(@Res() reply: AppReply): void {
    this.described ??= new PreparedJson(describeStrategies(this.registry));
    this.described.send(reply);
  }
}
