import { describe, expect, it } from '@jest/globals';
import { ProblemError } from '../src/index.js';

describe('ProblemError', () => {
  it('renders exactly the RFC 9457 members and keeps headers apart', () => {
    const error = new ProblemError(429, 'Too Many Requests', 'Too many failed logins.', {
      headers: { 'Retry-After': '60' },
    });
    expect(error.toProblem()).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Too many failed logins.',
    });
    expect(error.headers).toEqual({ 'Retry-After': '60' });
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps the cause for the logs', () => {
    const cause = new Error('connection refused');
    const error = new ProblemError(503, 'Service Unavailable', 'The session store is unavailable.', {
      cause,
    });
    expect(error.cause).toBe(cause);
  });
});
