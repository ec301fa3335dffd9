import { Public } from '@authbench/auth-core';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { JwtStrategy } from '../jwt.strategy.js';
import type { TokenPairBody } from '../lib/token-service.js';
import { readRefreshToken } from './refresh-request.js';

/** `POST /jwt/refresh`: public — the refresh token in the body is the credential. */
@Public()
@Controller('jwt')
export class JwtRefreshController {
  constructor(private readonly strategy: JwtStrategy) {}

  @Post('refresh')
  @HttpCode(200)
  // RFC 6749 §5.1: token responses must not be cached.
  @Header('Cache-Control', 'no-store')
  refresh(@Body() body: unknown): Promise<TokenPairBody> {
    return this.strategy.refresh(readRefreshToken(body));
  }
}
