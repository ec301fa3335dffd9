import { Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthStrategy } from '../strategy/auth-strategy.js';
import { StrategyRegistry } from './strategy-registry.js';

/** Which strategy a request is addressed to: `/:strategy/…`, a fixed name, or `AUTH_DEFAULT`. */
@Injectable()
export class StrategyResolver {
  constructor(private readonly registry: StrategyRegistry) {}

  resolve(request: Request, binding: string | undefined): AuthStrategy {
    const strategy =
      binding === 'default'
        ? this.registry.getDefault()
        : binding !== undefined && binding !== ':param'
          ? this.registry.get(binding)
          : this.fromPath(request);
    if (strategy === undefined) {
      throw new NotFoundException(`Cannot ${request.method} ${request.path}`);
    }
    return strategy;
  }

  private fromPath(request: Request): AuthStrategy | undefined {
    const name = (request.params as Record<string, string | undefined>).strategy;
    return name === undefined ? undefined : this.registry.get(name);
  }
}
