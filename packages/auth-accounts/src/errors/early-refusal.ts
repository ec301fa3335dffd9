import { type ProblemError, TooManyAttemptsError } from '@authbench/auth-core';
import { HashCapacityError, TooManyRegistrationsError } from './limit-errors.js';

/** Why a login or registration is refused from its client address alone, before its body is read. */
export type EarlyRefusalReason = 'too-many-attempts' | 'too-many-registrations' | 'hash-capacity';

/**
 * A refusal as data, not as an `Error`: a flood is answered with these at hundreds a second, and
 * an expected answer needs no stack. `earlyRefusalProblem` gives the error the normal path throws
 * for the same reason, so both answer with the same problem body.
 */
export interface EarlyRefusal {
  readonly reason: EarlyRefusalReason;
  /** Whole seconds, at least 1, as the errors' `Retry-After`. */
  readonly retryAfterSeconds: number;
}

/** The error the normal path answers for this reason (its status, type, title, detail, headers). */
export function earlyRefusalProblem(refusal: EarlyRefusal): ProblemError {
  switch (refusal.reason) {
    case 'too-many-attempts':
      return new TooManyAttemptsError(refusal.retryAfterSeconds);
    case 'too-many-registrations':
      return new TooManyRegistrationsError(refusal.retryAfterSeconds);
    case 'hash-capacity':
      return new HashCapacityError(refusal.retryAfterSeconds);
  }
}
