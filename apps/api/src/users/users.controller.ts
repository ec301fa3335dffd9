import { Public, type UserView } from '@authbench/auth-core';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { AuthInfrastructure } from '../auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../auth/tokens.js';

@Controller()
export class UsersController {
  constructor(@Inject(AUTH_INFRASTRUCTURE) private readonly infrastructure: AuthInfrastructure) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  register(@Body() body: unknown): Promise<UserView> {
    return this.infrastructure.accounts.register(body);
  }
}
