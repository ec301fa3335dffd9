import { ProblemError } from './problem.js';

/** A required store (Redis, PostgreSQL) cannot be reached: fail closed with 503, naming it. */
export class StoreUnavailableError extends ProblemError {
  override readonly name = 'StoreUnavailableError';
  readonly store: string;

  constructor(store: string, cause?: unknown) {
    super(503, 'Service Unavailable', `The ${store} store is unavailable.`, {
      type: 'urn:authbench:problem:store-unavailable',
      headers: { 'Retry-After': '1' },
      cause,
    });
    this.store = store;
  }
}

/** A request body or field that does not satisfy the contract (400, naming the field). */
export class InvalidRequestError extends ProblemError {
  override readonly name = 'InvalidRequestError';
  readonly field: string;

  constructor(field: string, detail: string) {
    super(400, 'Bad Request', `${field}: ${detail}`, { type: 'urn:authbench:problem:invalid-request' });
    this.field = field;
  }
}

export class UsernameTakenError extends ProblemError {
  override readonly name = 'UsernameTakenError';

  constructor() {
    super(409, 'Conflict', 'username: that username is already taken.', {
      type: 'urn:authbench:problem:username-taken',
    });
  }
}

/** `Retry-After` as every limit error gives it: whole seconds, never 0. */
export function wholeRetryAfterSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}

export class TooManyAttemptsError extends ProblemError {
  override readonly name = 'TooManyAttemptsError';
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    const seconds = wholeRetryAfterSeconds(retryAfterSeconds);
    super(429, 'Too Many Requests', 'Too many failed logins; try again later.', {
      type: 'urn:authbench:problem:too-many-attempts',
      headers: { 'Retry-After': String(seconds) },
    });
    this.retryAfterSeconds = seconds;
  }
}

/** A cookie-authenticated state change from another site (CONTRACT §2). */
export class CrossSiteRequestError extends ProblemError {
  override readonly name = 'CrossSiteRequestError';

  constructor() {
    super(403, 'Forbidden', 'Cross-site requests may not change state with a session cookie.', {
      type: 'urn:authbench:problem:cross-site-request',
    });
  }
}
