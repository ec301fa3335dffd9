import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/test-app.js';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startTestApp();
});

afterAll(async () => {
  await testApp.close();
});

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  return body;
}

describe('the HTTP foundation (CONTRACT §2)', () => {
  it('GET /health answers 200 with a status', async () => {
    const response = await fetch(`${testApp.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expect.objectContaining({ status: 'ok' }));
  });

  it('an unknown route is a 404 problem', async () => {
    await expectProblem(await fetch(`${testApp.baseUrl}/nope`), 404);
  });

  it('malformed JSON is a 400 problem that does not echo parser internals', async () => {
    const response = await fetch(`${testApp.baseUrl}/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    const body = await expectProblem(response, 400);
    expect(body.detail).toBe('The request body is not valid JSON.');
  });

  it('a body over 16 KiB is a 413 problem', async () => {
    const response = await fetch(`${testApp.baseUrl}/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(17 * 1024) }),
    });
    await expectProblem(response, 413);
  });

  it('does not announce the framework', async () => {
    const response = await fetch(`${testApp.baseUrl}/health`);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
