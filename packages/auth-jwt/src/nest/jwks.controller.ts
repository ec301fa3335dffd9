import { ProblemError, Public } from '@authbench/auth-core';
import { Controller, Get, Header } from '@nestjs/common';
import { JwtStrategy } from '../jwt.strategy.js';
import type { PublicJwk } from '../lib/keys.js';

/** `GET /.well-known/jwks.json`: the public keys (with `kid`) for asymmetric `JWT_ALG`; 404 for HS*. */
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly strategy: JwtStrategy) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): { readonly keys: readonly PublicJwk[] } {
    const set = this.strategy.jwks();
    if (set === null) {
      throw new ProblemError(404, 'Not Found', 'JWT_ALG is symmetric: there are no public keys to publish.', {
        type: 'urn:authbench:problem:no-jwks',
      });
    }
    return set;
  }
}
