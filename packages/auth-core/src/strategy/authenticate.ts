import { AuthError } from '../errors/auth-error.js';
import type { AuthStrategy, CredentialRequest } from './auth-strategy.js';
import type { Principal } from './principal.js';

/**
 * The one request path: read the credential, then verify it. A request without one is a 401.
 * Async so that a refusal while reading the credential is a rejection too, like every other.
 */
export async function authenticateRequest(
  strategy: AuthStrategy,
  request: CredentialRequest,
): Promise<Principal> {
  const credential = strategy.credentialOf(request);
  if (credential === undefined) throw new AuthError('missing_credential');
  return strategy.verify(credential);
}
