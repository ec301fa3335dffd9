import { AuthError, type Principal } from '@authbench/auth-core';
import { type RevocationList } from '@authbench/auth-stores';
import { SIGNED_TOKEN_STRATEGY_NAME } from './constants.js';
import type { SignedTokenCodec } from './token-codec.js';
import type { UserLookupCache } from './user-cache.js';

export interface SignedTokenVerifierDeps {
  readonly codec: SignedTokenCodec;
  readonly users: UserLookupCache;
  readonly revocations: RevocationList;
}

/**
 * Token → principal, without HTTP (the benchmarks call it directly). Signed but stateful on
 * verify: after the signature, age and shape checks, two store look-ups, run concurrently —
 * the user (exists, current `ver`) and the `jti` denylist.
 */
export class SignedTokenVerifier {
  constructor(private readonly deps: SignedTokenVerifierDeps) {}

  /**
   * @throws AuthError (401): any refusal of `SignedTokenCodec.decode`, `unknown_user`, `revoked`.
   * @throws StoreUnavailableError (503) when the user store or the denylist cannot answer:
   *   a store failure never turns into a 401, nor lets the request through.
   */
  async verify(token: string): Promise<Principal> {
    const { claims, signedAt, expiresAt } = this.deps.codec.decode(token);
    const [user, jtiRevoked] = await Promise.all([
      this.deps.users.find(claims.sub),
      this.deps.revocations.isRevoked(claims.jti),
    ]);
    // Exactly the user the token names: a store whose equality is looser than ours (collation,
    // lone surrogates turned into U+FFFD on the way) must not let another string pass for an id.
    if (user === null || user.id !== claims.sub) throw new AuthError('unknown_user');
    // logout-all and password changes bump the version: every older token dies with it.
    if (user.tokenVersion !== claims.ver) throw new AuthError('revoked');
    if (jtiRevoked) throw new AuthError('revoked');
    return {
      userId: user.id,
      username: user.username,
      strategy: SIGNED_TOKEN_STRATEGY_NAME,
      credentialId: claims.jti,
      issuedAt: signedAt,
      expiresAt,
    };
  }
}
