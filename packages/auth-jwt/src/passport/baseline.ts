import type { KeyObject } from 'node:crypto';
import passport from 'passport';
import passportJwt from 'passport-jwt';
import type { JwtAlgorithm } from '../lib/algorithms.js';

const { ExtractJwt, Strategy } = passportJwt;

export interface PassportJwtBaselineOptions {
  readonly algorithm: JwtAlgorithm;
  /**
   * `string`: the common tutorial setup (`secretOrKey: process.env.JWT_SECRET`), where
   * jsonwebtoken imports the key from the string on every request. `KeyObject`: the same
   * pipeline with the key imported once — the only difference, for a fair comparison.
   */
  readonly secretOrKey: string | KeyObject;
  readonly issuer: string;
  readonly audience: string;
}

/** Verifies a bearer token the way the baseline setup does; resolves to the payload. */
export interface BaselineVerifier {
  verify(token: string): Promise<unknown>;
}

/**
 * A plain passport-jwt setup, for the benchmarks only: no header rules, no `kid`, no
 * revocation, jsonwebtoken's defaults on the real clock. NOT a safe verifier — it is the
 * "common setup" the hardened strategy is measured against.
 */
export function createPassportJwtBaseline(options: PassportJwtBaselineOptions): BaselineVerifier {
  const { secretOrKey } = options;
  const common = {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    algorithms: [options.algorithm],
    issuer: options.issuer,
    audience: options.audience,
  };
  const strategy =
    typeof secretOrKey === 'string'
      ? new Strategy({ ...common, secretOrKey }, (payload: unknown, done) => done(null, payload))
      : new Strategy(
          {
            ...common,
            // Typed string | Buffer; jsonwebtoken takes the KeyObject as is (see the bridge).
            secretOrKeyProvider: (_request, _token, done) => done(null, secretOrKey as unknown as Buffer),
          },
          (payload: unknown, done) => done(null, payload),
        );
  const authenticator = new passport.Passport();
  authenticator.use('jwt', strategy);

  return {
    verify(token: string): Promise<unknown> {
      const request = { headers: { authorization: `Bearer ${token}` } };
      return new Promise((resolve, refuse) => {
        authenticator.authenticate(
          'jwt',
          { session: false },
          (error: unknown, user: unknown, challenge: unknown) => {
            if (error !== null && error !== undefined) refuse(error);
            else if (user !== false && user !== undefined && user !== null) resolve(user);
            else refuse(challenge instanceof Error ? challenge : new Error('refused'));
          },
        )(request, {}, (error?: unknown) => refuse(error ?? new Error('no decision')));
      });
    },
  };
}
