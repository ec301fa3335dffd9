import type { AuthStrategy } from '@authbench/auth-core';
import type { DynamicModule } from '@nestjs/common';

/** A strategy instance plus the Nest module of its own routes (refresh, JWKS), if it has any. */
export interface MountedStrategy {
  readonly strategy: AuthStrategy;
  readonly module?: DynamicModule;
}
