import { Public, type UserView } from '@authbench/auth-core';
import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthInfrastructure } from '../auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../auth/tokens.js';
import { ApiRegister } from '../http/openapi-schemas.js';
import { type AppRequest, clientAddressOf } from '../http/platform.js';

@Controller()
@ApiTags('users')
export class UsersController {
  constructor(@Inject(AUTH_INFRASTRUCTURE) private readonly infrastructure: AuthInfrastructure) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @ApiRegister()
  register(@Req() request: AppRequest, @Body() body: unknown): Promise<UserView> {
    // Per-address registration limit (429 + Retry-After), counted before the password is hashed.
    return this.infrastructure.accounts.register(body, clientAddressOf(request));
  }
}
