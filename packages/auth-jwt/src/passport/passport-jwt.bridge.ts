import type { KeyObject } from 'node:crypto';
import { AuthError } from '@authbench/auth-core';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import passportJwt from 'passport-jwt';
import type { InspectedJws } from '../lib/compact-jws.js';
import { isJwtPrincipal, type JwtPrincipal } from '../lib/token-service.js';
import { fromJsonWebTokenError, type SignatureCheckOptions } from '../lib/verifier.js';

const { Strategy } = passportJwt;

export const PASSPORT_STRATEGY_NAME = 'jwt';

/** What the bridge asks of the hardened core, before and after passport-jwt's own work. */
export interface PassportJwtHooks {
  /** The header rules and the strict parse; the token with the key its `kid` names, or an `AuthError`. */
  inspect(rawToken: unknown): InspectedJws;
  /**
   * The claim rules and revocation, on the strictly parsed claims of a signature-checked token.
   * A claim rule may throw its `AuthError` instead of rejecting: @nestjs/passport awaits
   * `validate` inside a `try`, so a throw and a rejection both reach passport's `error`, and
   * the hook needs no promise of its own around the one the revocation check returns.
   */
  principalFor(inspected: InspectedJws): Promise<JwtPrincipal>;
}

/**
 * What passport-jwt is handed: the credential the shared bearer parser already read (so the
 * header is parsed once), and the strict parse of it, kept for `validate` (so the JWS is
 * decoded strictly once; jsonwebtoken's own decode only checks the signature).
 */
interface PassportCredential {
  readonly credential: string;
  /** Declared from the start (undefined), so every request object has one shape. */
  inspected: InspectedJws | undefined;
}

const credentialOfRequest = (request: PassportCredential): string => request.credential;

/** passport's options for one authentication: the same for every request, so built once. */
const NO_SESSION = Object.freeze({ session: false as const });

/**
 * Each bridge's own passport `Authenticator`. @nestjs/passport registers a strategy in the
 * instance `getPassportInstance()` returns (the global singleton by default); a private one
 * means two strategies with different keys (tests, benchmark variants) never replace each
 * other, and nothing leaks into the app's global passport.
 */
const authenticators = new WeakMap<object, passport.Authenticator>();

/**
 * passport-jwt, through @nestjs/passport's `PassportStrategy` mixin, wired to the hardened
 * core: `secretOrKeyProvider` runs the header rules and returns the KeyObject for the
 * validated `kid`; jsonwebtoken checks the signature (`algorithms: [JWT_ALG]`), `iss` and
 * `aud`; `validate` runs the claim rules on the injected clock and the revocation look-up.
 * jsonwebtoken's own `exp`/`nbf` checks are off: they would read the real clock, and passport-jwt
 * fixes its options at construction, so the claim rules own time.
 */
export class PassportJwtBridge extends PassportStrategy(Strategy, PASSPORT_STRATEGY_NAME) {
  private readonly hooks: PassportJwtHooks;

  constructor(hooks: PassportJwtHooks, signature: SignatureCheckOptions) {
    super({
      jwtFromRequest: credentialOfRequest,
      passReqToCallback: true,
      secretOrKeyProvider: (request: PassportCredential, rawToken: unknown, done) => {
        let key: KeyObject;
        try {
          const inspected = hooks.inspect(rawToken);
          request.inspected = inspected;
          key = inspected.key.key;
        } catch (error) {
          done(error);
          return;
        }
        // @types/passport-jwt says string | Buffer, but passport-jwt hands the value straight
        // to jsonwebtoken, which uses a KeyObject as is: no key import per request.
        done(null, key as unknown as Buffer);
      },
      algorithms: [...signature.algorithms],
      issuer: signature.issuer,
      audience: signature.audience,
      ignoreExpiration: signature.ignoreExpiration,
      jsonWebTokenOptions: { ignoreNotBefore: signature.ignoreNotBefore },
    });
    this.hooks = hooks;
  }

  /**
   * @nestjs/passport's hook: its return value is passport-jwt's verified user. The claims come
   * from the strict parse of the same bytes jsonwebtoken has just verified, not from its payload.
   */
  validate(request: PassportCredential, _payload: unknown): Promise<JwtPrincipal> {
    const { inspected } = request;
    if (inspected === undefined)
      throw new TypeError('passport-jwt verified a token that was never inspected');
    return this.hooks.principalFor(inspected);
  }

  /** Overrides @nestjs/passport's choice of passport instance (see `authenticators`). */
  getPassportInstance(): passport.Authenticator {
    let instance = authenticators.get(this);
    if (instance === undefined) {
      instance = new passport.Passport();
      authenticators.set(this, instance);
    }
    return instance;
  }

  /**
   * The per-request object passport-jwt's `authenticate` runs on: it inherits from this bridge
   * (so passport-jwt finds its own options there) and carries the five actions. Its prototype
   * chain is built here, once; see `attemptClassOf`.
   */
  private readonly Attempt: AttemptClass = attemptClassOf(this);

  /**
   * One authentication by passport-jwt, as a promise: the principal, or the `AuthError` that
   * refused the token, or the error (503, bug) that stopped the check.
   *
   * This is what `passport.authenticate(name, { session: false }, callback)` does for one
   * strategy, without building its middleware closure and failure bookkeeping per request
   * (≈ 30 µs of self time per request in profiles): passport's Strategy contract is an object
   * inheriting from the strategy, given the five actions, on which `authenticate` is called.
   * passport-jwt still reads the token, asks for the key, verifies through jsonwebtoken and
   * calls `validate`.
   */
  run(credential: string): Promise<JwtPrincipal> {
    const request: PassportCredential = { credential, inspected: undefined };
    return new Promise<JwtPrincipal>((resolve, refuse) => {
      new this.Attempt(resolve, refuse).authenticate(request, NO_SESSION);
    });
  }
}

/** The actions passport gives a strategy for one request (passport's `Strategy` contract). */
interface PassportAttempt {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  error(error: unknown): void;
  pass(): void;
  redirect(url: string, status?: number): void;
  authenticate(request: PassportCredential, options: { readonly session: false }): void;
}

type AttemptClass = new (
  resolve: (principal: JwtPrincipal) => void,
  refuse: (error: unknown) => void,
) => PassportAttempt;

/**
 * A class whose instances inherit from `strategy` and answer passport's five actions by
 * settling one promise. Built once per bridge, not per request: `Object.create(strategy)` per
 * request plus five own closures, as passport's own middleware does, measured on the API's
 * `/jwt/protected` as ~0.45 MB of old space promoted per scavenge (the heap grew by ~1 KB a
 * request until the next full GC, and each scavenge took 2–7 ms instead of ~1 ms); instances of
 * one class with a fixed prototype chain showed none of it.
 */
function attemptClassOf(strategy: object): AttemptClass {
  class Attempt {
    constructor(
      private readonly resolve: (principal: JwtPrincipal) => void,
      private readonly refuse: (error: unknown) => void,
    ) {}

    success(user: unknown, info?: unknown): void {
      if (isJwtPrincipal(user)) this.resolve(user);
      else this.refuse(refusalOf(info));
    }

    fail(challenge?: unknown): void {
      this.refuse(refusalOf(challenge));
    }

    error(error: unknown): void {
      this.refuse(error);
    }

    pass(): void {
      this.refuse(new TypeError('passport passed the request on without a decision'));
    }

    redirect(): void {
      this.refuse(new TypeError('passport-jwt asked for a redirect'));
    }
  }
  // passport-jwt's `authenticate` and the options it reads come from the strategy.
  Object.setPrototypeOf(Attempt.prototype, strategy);
  return Attempt as unknown as AttemptClass;
}

/** What passport-jwt failed with: our header rules' AuthError, or a jsonwebtoken error. */
function refusalOf(challenge: unknown): AuthError {
  if (challenge instanceof AuthError) return challenge;
  if (challenge instanceof Error && challenge.message === 'No auth token') {
    return new AuthError('missing_credential');
  }
  return fromJsonWebTokenError(challenge);
}
