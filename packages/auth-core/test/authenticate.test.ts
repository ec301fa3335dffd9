import { describe, expect, it } from '@jest/globals';
import { AuthError, type AuthStrategy, authenticateRequest, type Principal } from '../src/index.js';
import { PRINCIPAL, strategyOf } from './support/fake-strategy.js';

const REQUEST = { method: 'GET', headers: {} };

const strategyWith = (
  credentialOf: AuthStrategy['credentialOf'],
  verify: AuthStrategy['verify'],
): AuthStrategy => strategyOf({ credentialOf, verify });

describe('authenticateRequest', () => {
  it("hands back verify's own promise, given the credential credentialOf read", async () => {
    const verified = Promise.resolve(PRINCIPAL);
    const seen: string[] = [];
    const strategy = strategyWith(
      () => 'the-credential',
      (credential) => {
        seen.push(credential);
        return verified;
      },
    );
    const result = authenticateRequest(strategy, REQUEST);
    // The same promise: no extra async layer (and its two microtask turns) around it.
    expect(result).toBe(verified);
    await expect(result).resolves.toBe(PRINCIPAL);
    expect(seen).toEqual(['the-credential']);
  });

  it('rejects with missing_credential, without calling verify, when the request carries none', async () => {
    let verifyCalls = 0;
    const strategy = strategyWith(
      () => undefined,
      () => {
        verifyCalls += 1;
        return Promise.resolve(PRINCIPAL);
      },
    );
    const result = authenticateRequest(strategy, REQUEST);
    await expect(result).rejects.toBeInstanceOf(AuthError);
    await expect(result).rejects.toMatchObject({ code: 'missing_credential' });
    expect(verifyCalls).toBe(0);
  });

  it("turns credentialOf's throw into a rejection, never a synchronous throw", async () => {
    const malformed = new AuthError('malformed_credential');
    const strategy = strategyWith(
      () => {
        throw malformed;
      },
      () => Promise.resolve(PRINCIPAL),
    );
    let result: Promise<Principal> | undefined;
    expect(() => {
      result = authenticateRequest(strategy, REQUEST);
    }).not.toThrow();
    await expect(result).rejects.toBe(malformed);
  });

  it('turns a verify that throws instead of rejecting into a rejection', async () => {
    const bug = new TypeError('a strategy bug');
    const strategy = strategyWith(
      () => 'the-credential',
      () => {
        throw bug;
      },
    );
    await expect(authenticateRequest(strategy, REQUEST)).rejects.toBe(bug);
  });
});
