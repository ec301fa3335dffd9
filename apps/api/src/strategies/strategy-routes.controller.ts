import { toLoginUser } from '@authbench/auth-accounts';
import {
  CurrentPrincipal,
  type LoginResponseBody,
  type Principal,
  Public,
  StrategyResolver,
  UseStrategy,
} from '@authbench/auth-core';
import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthInfrastructure } from '../auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../auth/tokens.js';
import { ApiLogin, ApiLogout, ApiProtected } from '../http/openapi-schemas.js';
import { type AppReply, type AppRequest, clientAddressOf, exchangeOf } from '../http/platform.js';
import { STRATEGY_NAMES } from './catalog.js';

export interface ProtectedResponse {
  readonly message: string;
  readonly strategy: string;
  readonly user: { readonly id: string; readonly username: string };
}

/**
 * login / protected / logout / logout-all, the same four routes for every strategy. The
 * guard has authenticated every non-public route before a handler runs; handlers only ask
 * the strategy to issue or revoke.
 */
abstract class StrategyRoutes {
  constructor(
    private readonly resolver: StrategyResolver,
    private readonly infrastructure: AuthInfrastructure,
    private readonly binding: string,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiLogin()
  async login(
    @Req() request: AppRequest,
    @Res({ passthrough: true }) response: AppReply,
    @Body() body: unknown,
  ): Promise<LoginResponseBody> {
    const strategy = this.resolver.resolve(request, this.binding);
    // A login response carries a credential: no cache may keep it.
    response.header('Cache-Control', 'no-store');
    const user = await this.infrastructure.accounts.verifyLogin(body, clientAddressOf(request));
    return strategy.issue(toLoginUser(user), exchangeOf(request, response));
  }

  @Get('protected')
  @ApiProtected()
  protected(@CurrentPrincipal() principal: Principal): ProtectedResponse {
    return {
      message: `Hello, ${principal.username}: this response needed a valid ${principal.strategy} credential.`,
      strategy: principal.strategy,
      user: { id: principal.userId, username: principal.username },
    };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiLogout()
  async logout(
    @Req() request: AppRequest,
    @Res({ passthrough: true }) response: AppReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.resolver.resolve(request, this.binding).revoke(principal, exchangeOf(request, response));
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiLogout()
  async logoutAll(@Req() request: AppRequest, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.resolver.resolve(request, this.binding).revokeAll(principal.userId);
  }
}

/** `/<name>/…` for every mounted strategy. */
@Controller(':strategy')
@UseStrategy(':param')
@ApiTags('strategies')
@ApiParam({
  name: 'strategy',
  enum: [...STRATEGY_NAMES],
  description: 'a mounted strategy (AUTH_STRATEGIES)',
})
@ApiBearerAuth()
@ApiCookieAuth('sid')
export class StrategyRoutesController extends StrategyRoutes {
  constructor(resolver: StrategyResolver, @Inject(AUTH_INFRASTRUCTURE) infrastructure: AuthInfrastructure) {
    super(resolver, infrastructure, ':param');
  }
}

/** `/login`, `/protected`, … for `AUTH_DEFAULT` (the classic tutorial's shape); 404 when unset. */
@Controller()
@UseStrategy('default')
@ApiTags('AUTH_DEFAULT (root mount)')
@ApiBearerAuth()
@ApiCookieAuth('sid')
export class DefaultStrategyRoutesController extends StrategyRoutes {
  constructor(resolver: StrategyResolver, @Inject(AUTH_INFRASTRUCTURE) infrastructure: AuthInfrastructure) {
    super(resolver, infrastructure, 'default');
  }
}
