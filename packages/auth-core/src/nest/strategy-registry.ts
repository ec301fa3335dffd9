import { Injectable } from '@nestjs/common';
import type { AuthStrategy } from '../strategy/auth-strategy.js';

/** Strategy name → strategy; the guard and controllers look strategies up here, by name. */
@Injectable()
export class StrategyRegistry {
  private readonly strategies = new Map<string, AuthStrategy>();
  private defaultName: string | null = null;

  register(strategy: AuthStrategy): void {
    if (this.strategies.has(strategy.name)) {
      throw new TypeError(`strategy "${strategy.name}" is registered twice`);
    }
    this.strategies.set(strategy.name, strategy);
  }

  /** The strategy also mounted at the root paths (`AUTH_DEFAULT`). */
  setDefault(name: string | null): void {
    if (name !== null && !this.strategies.has(name)) {
      throw new TypeError(`AUTH_DEFAULT: "${name}" is not a mounted strategy`);
    }
    this.defaultName = name;
  }

  get(name: string): AuthStrategy | undefined {
    return this.strategies.get(name);
  }

  getDefault(): AuthStrategy | undefined {
    return this.defaultName === null ? undefined : this.strategies.get(this.defaultName);
  }

  list(): readonly AuthStrategy[] {
    return [...this.strategies.values()];
  }
}
