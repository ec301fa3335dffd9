import { ProblemError, wholeRetryAfterSeconds } from '@authbench/auth-core';

/** One address registered too many accounts in the window: 429 before any password is hashed. */
export class TooManyRegistrationsError extends ProblemError {
  override readonly name = 'TooManyRegistrationsError';
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    const seconds = wholeRetryAfterSeconds(retryAfterSeconds);
    super(429, 'Too Many Requests', 'Too many registrations from this address; try again later.', {
      type: 'urn:authbench:problem:too-many-registrations',
      headers: { 'Retry-After': String(seconds) },
    });
    this.retryAfterSeconds = seconds;
  }
}

/**
 * Every password-hash slot of this process is taken and its short wait line is full: a fast 503
 * instead of a queue that grows with the attack and slows every honest login behind it.
 */
export class HashCapacityError extends ProblemError {
  override readonly name = 'HashCapacityError';
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds = 1) {
    const seconds = wholeRetryAfterSeconds(retryAfterSeconds);
    super(503, 'Service Unavailable', 'The server is busy checking passwords; try again shortly.', {
      type: 'urn:authbench:problem:hash-capacity',
      headers: { 'Retry-After': String(seconds) },
    });
    this.retryAfterSeconds = seconds;
  }
}
