import { ConfigError, loadConfig } from './config/config.js';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const url = await app.getUrl();
  const base = url.replace('[::1]', 'localhost');
  process.stdout.write(
    `authbench API listening on ${base}\n  page:    ${base}/\n  health:  ${base}/health\n  docs:    ${base}/docs\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `authbench failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
