import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/create-app.js';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Starts the real app on an ephemeral loopback port with the given environment. */
export async function startTestApp(env: Readonly<Record<string, string>> = {}): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    ...env,
    PORT: '0',
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: () => app.close(),
  };
}
