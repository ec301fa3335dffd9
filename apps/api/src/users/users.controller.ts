import { Public, type UserView } from '@authbench/auth-core';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthInfrastructure } from '../auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../auth/tokens.js';
import { ApiRegister } from '../http/openapi-schemas.js';

@Controller()
@ApiTags('users')
export class UsersController {
  constructor(@Inject(AUTH_INFRASTRUCTURE) private readonly infrastructure: AuthInfrastructure) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @ApiRegister()
  register(@Body() body: unknown): Promise<UserView> {
    return this.infrastructure.accounts.register(body);
  }
}
