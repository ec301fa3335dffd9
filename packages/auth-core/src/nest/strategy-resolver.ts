import { Injectable, NotFoundException } from '@nestjs/common';
import type { AuthStrategy } from '../strategy/auth-strategy.js';
import { type HttpRequest, pathOf } from './decorators.js';
import { StrategyRegistry } from './strategy-registry.js';

/** Which strategy a request is addressed to: `/:strategy/…`, a fixed name, or `AUTH_DEFAULT`. */
@Injectable()
export class StrategyResolver {
  constructor(private readonly registry: StrategyRegistry) {}

  resolve(request: HttpRequest, binding: string | undefined): AuthStrategy {
    const strategy =
      binding === 'default'
        ? this.registry.getDefault()
        : binding !== undefined && binding !== ':param'
          ? this.registry.get(binding)
          : this.fromPath(request);
    if (strategy === undefined) {
      throw new NotFoundException(`Cannot ${request.method} ${pathOf(request)}`);
    }
    return strategy;
  }

  private fromPath(request: HttpRequest): AuthStrategy | undefined {
    const name = (request.params as Record<string, string | undefined> | undefined)?.strategy;
    return name === undefined ? undefined : this.registry.get(name);
  }
}
