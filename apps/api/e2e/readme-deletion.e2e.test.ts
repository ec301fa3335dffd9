// Issue #14 item 8: README's paragraph on deleted users against what the app reports. Before #14
// it said a deleted user "loses every credential in every strategy at once", false with
// JWT_REVOCATION=none (hardening.e2e shows the access JWT living on). Here the app's own traits
// decide which strategies the paragraph must qualify. README_UNDER_TEST points the test at
// another copy of the README (the evidence runs it against e79c548's).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const README =
  process.env.README_UNDER_TEST ??
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

interface StrategyInfo {
  readonly name: string;
  readonly traits: { readonly revocation: 'immediate' | 'until-expiry' };
}

/** The README's list item on deleted users, from its bullet to the next bullet or blank line. */
function deletionParagraph(readme: string): string {
  const match = /(?:^|\n)(- A user deleted[\s\S]*?)(?=\n- |\n\n|(?![\s\S]))/.exec(readme);
  if (match?.[1] === undefined) throw new Error(`${README}: no "- A user deleted" paragraph`);
  return match[1].replace(/\s+/g, ' ');
}

describe('README on deleted users, with JWT_REVOCATION=none', () => {
  let testApp: TestApp;
  let untilExpiry: string[];

  beforeAll(async () => {
    testApp = await startTestApp({ JWT_REVOCATION: 'none' });
    const strategies = (await (
      await new ApiClient(testApp.baseUrl).get('/strategies')
    ).json()) as StrategyInfo[];
    untilExpiry = strategies
      .filter((strategy) => strategy.traits.revocation === 'until-expiry')
      .map((strategy) => strategy.name);
  }, 60_000);

  afterAll(async () => {
    await testApp?.close();
  });

  it('some strategy outlives a deletion in this mode (else there is nothing to pin)', () => {
    expect(untilExpiry.length).toBeGreaterThan(0);
  });

  it('does not claim that every credential dies at once', () => {
    const paragraph = deletionParagraph(readFileSync(README, 'utf8'));
    expect(paragraph).not.toMatch(/\bevery credential\b[^.]*\bat once\b/i);
  });

  it('names the mode and each strategy whose credentials live until expiry', () => {
    const paragraph = deletionParagraph(readFileSync(README, 'utf8'));
    expect(paragraph).toContain('JWT_REVOCATION=none');
    expect(paragraph).toContain('"revocation": "until-expiry"');
    // `\b` keeps JWT_REVOCATION (an underscore is a word character) from counting as naming jwt.
    for (const name of untilExpiry)
      expect({ name, paragraph }).toEqual({
        name,
        paragraph: expect.stringMatching(new RegExp(`\\b${name}s?\\b`, 'i')),
      });
  });
});
