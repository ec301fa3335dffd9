import { requireProgramOrSkip } from '@authbench/test-support';
import { describe, expect, it } from '@jest/globals';
import type { TokenDigest } from '../src/index.js';
import { FakeUsers, ManualClock, SECRET_NEW, SECRET_OLD, SECRET_OTHER } from './support/fake-users.js';
import {
  type PythonSerializerConfig,
  pythonDumps,
  pythonItsdangerousAvailable,
  pythonLoads,
} from './support/python-itsdangerous.js';
import { ALICE, expectRefusal, setup } from './support/setup.js';

const available = requireProgramOrSkip(
  pythonItsdangerousAvailable(),
  'python3 with itsdangerous',
  'apt-get install python3-itsdangerous',
);

const SALT = 'authbench.token';
const payload = { sub: ALICE, ver: 0, jti: 'python-minted-jti_0123' };

/** A strategy on the real clock: Python signs with time.time(). */
function strategyFor(digest: TokenDigest, secrets: readonly string[] = [SECRET_OLD, SECRET_NEW]) {
  return setup({ digest, secrets, now: Date.now }, { users: new FakeUsers() }).strategy;
}

(available ? describe : describe.skip)('interop with Python itsdangerous (/usr/bin/python3)', () => {
  describe.each<TokenDigest>(['sha1', 'sha256', 'sha512'])('digest %s', (digest) => {
    const python: PythonSerializerConfig = { secrets: [SECRET_OLD, SECRET_NEW], salt: SALT, digest };

    it('accepts a token Python minted with the same secret, salt and digest', async () => {
      const strategy = strategyFor(digest);
      const token = pythonDumps(python, payload);
      await expect(strategy.verify(token)).resolves.toMatchObject({
        userId: ALICE,
        credentialId: payload.jti,
      });
    });

    it('mints a token Python loads, with the same payload and timestamp', async () => {
      const strategy = strategyFor(digest);
      const issued = await strategy.issueToken(ALICE);
      const loaded = pythonLoads(python, issued.token, 3600);
      expect(loaded).toEqual({
        ok: true,
        payload: { sub: ALICE, ver: 0, jti: issued.jti },
        signed_at: issued.signedAt.getTime() / 1000,
      });
    });
  });

  it('is byte-identical to Python for the same payload and second', async () => {
    const python: PythonSerializerConfig = { secrets: [SECRET_NEW], salt: SALT, digest: 'sha1' };
    const at = 1_700_000_000;
    const { strategy } = setup({ secrets: [SECRET_NEW] }, { clock: new ManualClock(at * 1000 + 500) });
    expect(strategy.codec.encode(payload).token).toBe(pythonDumps(python, payload, at));
  });

  it('accepts a compressed payload from Python', async () => {
    const strategy = strategyFor('sha1');
    const compressible = { ...payload, jti: 'a'.repeat(120) };
    const token = pythonDumps({ secrets: [SECRET_NEW], salt: SALT, digest: 'sha1' }, compressible);
    expect(token.startsWith('.')).toBe(true);
    await expect(strategy.verify(token)).resolves.toMatchObject({ credentialId: compressible.jti });
  });

  it('accepts the old secret while old and new are configured, refuses it once rotated out', async () => {
    const oldToken = pythonDumps({ secrets: [SECRET_OLD], salt: SALT, digest: 'sha1' }, payload);
    await expect(strategyFor('sha1', [SECRET_OLD, SECRET_NEW]).verify(oldToken)).resolves.toMatchObject({
      userId: ALICE,
    });
    await expectRefusal(strategyFor('sha1', [SECRET_NEW]).verify(oldToken), 'invalid_signature');
  });

  it.each<[string, PythonSerializerConfig]>([
    ['another salt', { secrets: [SECRET_NEW], salt: 'itsdangerous', digest: 'sha1' }],
    ['another digest', { secrets: [SECRET_NEW], salt: SALT, digest: 'sha256' }],
    ['another secret', { secrets: [SECRET_OTHER], salt: SALT, digest: 'sha1' }],
  ])('refuses a Python token with %s', async (_label, python) => {
    await expectRefusal(strategyFor('sha1').verify(pythonDumps(python, payload)), 'invalid_signature');
  });

  it('refuses Python tokens from the future and past the TTL', async () => {
    const python: PythonSerializerConfig = { secrets: [SECRET_NEW], salt: SALT, digest: 'sha1' };
    const nowSeconds = Math.floor(Date.now() / 1000);
    const strategy = strategyFor('sha1');
    await expectRefusal(strategy.verify(pythonDumps(python, payload, nowSeconds + 60)), 'not_yet_valid');
    await expectRefusal(strategy.verify(pythonDumps(python, payload, nowSeconds - 3602)), 'expired');
  });

  it('is refused by Python under another salt or a rotated-out secret', async () => {
    const { token } = await strategyFor('sha1').issueToken(ALICE);
    expect(pythonLoads({ secrets: [SECRET_NEW], salt: 'other', digest: 'sha1' }, token, 3600)).toMatchObject({
      ok: false,
      error: 'BadTimeSignature',
    });
    expect(pythonLoads({ secrets: [SECRET_OLD], salt: SALT, digest: 'sha1' }, token, 3600)).toMatchObject({
      ok: false,
      error: 'BadTimeSignature',
    });
  });
});
