import type { AuthStrategy, Principal } from '../../src/index.js';

/** The principal the fake strategies of these tests answer with. */
export const PRINCIPAL: Principal = {
  userId: 'u1',
  username: 'alice',
  strategy: 'fake',
  credentialId: 'c1',
  issuedAt: new Date(0),
  expiresAt: null,
};

/**
 * A strategy with no state whose credential reading and verification the test supplies;
 * named `fake` on the bearer transport unless the test says otherwise.
 */
export function strategyOf(
  parts: Pick<AuthStrategy, 'credentialOf' | 'verify'> & Partial<Pick<AuthStrategy, 'name' | 'transport'>>,
): AuthStrategy {
  return {
    name: parts.name ?? 'fake',
    transport: parts.transport ?? 'bearer',
    traits: () => ({
      stateless: true,
      revocation: 'immediate',
      serverStatePerLogin: 'none',
      lookupsPerRequest: 0,
    }),
    issue: async () => ({}),
    credentialOf: parts.credentialOf,
    verify: parts.verify,
    serverState: async () => null,
    revoke: async () => undefined,
    revokeAll: async () => undefined,
    storeHealth: async () => ({}),
  };
}
