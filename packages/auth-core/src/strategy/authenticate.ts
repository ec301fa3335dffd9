import { AuthError } from '../errors/auth-error.js';
import type { AuthStrategy, CredentialRequest } from './auth-strategy.js';
import type { Principal } from './principal.js';

/**
 * The one request path: read the credential, then verify it. A request without one is a 401.
 *
 * Not `async`: an async function returning `verify`'s promise settles only two microtask
 * turns after it (the thenable job, then its `then`), on every authenticated request. The
 * promise is handed back as it is; a throw (a malformed credential, or a strategy throwing
 * instead of rejecting) is turned into a rejection here, so callers still see only rejections.
 */
export function authenticateRequest(strategy: AuthStrategy, request: CredentialRequest): Promise<Principal> {
  try {
    const credential = strategy.credentialOf(request);
    if (credential === undefined) return Promise.reject(new AuthError('missing_credential'));
    return strategy.verify(credential);
  } catch (error) {
    return Promise.reject(error);
  }
}
