import cluster from 'node:cluster';
import { type AppConfig, ConfigError, loadConfig } from './config/config.js';
import { createApp } from './create-app.js';
import { sharedSecretsForWorkers } from './workers.js';

function configOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function serve(config: AppConfig): Promise<void> {
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  if (cluster.isWorker) return;
  const base = (await app.getUrl()).replace('[::1]', 'localhost');
  process.stdout.write(
    `authbench API listening on ${base}\n  page:    ${base}/\n  health:  ${base}/health\n  docs:    ${base}/docs\n`,
  );
}

/** `API_WORKERS=N`: N processes on one port; a worker that dies is replaced. */
function supervise(config: AppConfig): void {
  const env = sharedSecretsForWorkers(config);
  let stopping = false;
  let announced = false;
  const fork = () => cluster.fork(env);
  cluster.on('listening', (_worker, address) => {
    if (announced) return;
    announced = true;
    const base = `http://${config.HOST}:${address.port}`;
    process.stdout.write(
      `authbench API listening on ${base} (${config.API_WORKERS} workers)\n  page:    ${base}/\n  health:  ${base}/health\n`,
    );
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  for (let index = 0; index < config.API_WORKERS; index += 1) fork();
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

const config = configOrExit();
if (config.API_WORKERS > 1 && cluster.isPrimary) {
  supervise(config);
} else {
  serve(config).catch((error: unknown) => {
    process.stderr.write(
      `authbench failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
