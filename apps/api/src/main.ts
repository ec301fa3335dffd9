import cluster from 'node:cluster';
import { type AppConfig, ConfigError, loadConfig } from './config/config.js';
import { createApp } from './create-app.js';
import { announce, createStartupLogger } from './logging/index.js';
import { sharedSecretsForWorkers } from './workers.js';

// Start-up phases as performance marks (`authbench:*`): free unless observed, and observed only
// by benchmarks/scripts/startup-time.mjs. Here every static import has been loaded and run.
performance.mark('authbench:main');

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

/** Where the users live, for a person: never the URL itself, which may carry a password. */
function userStoreOf(config: AppConfig): string {
  if (config.DATABASE_URL !== undefined) {
    try {
      const url = new URL(config.DATABASE_URL);
      return `PostgreSQL at ${url.host}${url.pathname}`;
    } catch {
      return 'PostgreSQL (DATABASE_URL)';
    }
  }
  return config.DATA_DIR === ':memory:'
    ? 'embedded PGlite, in memory'
    : `embedded PGlite in ${config.DATA_DIR}`;
}

async function serve(config: AppConfig): Promise<void> {
  const log = createStartupLogger(config);
  const started = performance.now();
  const elapsed = () => `${Math.round(performance.now() - started)} ms`;
  // What start-up is doing, while it does it: opening the user store is most of the wait.
  log.info(
    `starting: opening the user store (${userStoreOf(config)}), mounting ${config.AUTH_STRATEGIES.join(', ')}`,
  );
  performance.mark('authbench:app-creating');
  const app = await createApp(config);
  performance.mark('authbench:app-created');
  log.info(
    `starting: app ready after ${elapsed()}; binding ${config.HOST}:${config.PORT === 0 ? 'a free port' : config.PORT}`,
  );
  await app.listen(config.PORT, config.HOST);
  performance.mark('authbench:listening');
  if (cluster.isWorker) return;
  const base = (await app.getUrl()).replace('[::1]', 'localhost');
  // Through the logs' own output, so that it comes after every start-up line.
  announce(
    config,
    `authbench API listening on ${base}\n  page:    ${base}/\n  health:  ${base}/health\n${config.API_DOCS ? `  docs:    ${base}/docs\n` : ''}`,
  );
}

/** `API_WORKERS=N`: N processes on one port; a worker that dies is replaced. */
function supervise(config: AppConfig): void {
  const env = sharedSecretsForWorkers(config);
  let stopping = false;
  let announced = false;
  const fork = () => cluster.fork(env);
  let listening = 0;
  // Once every worker listens, so that the banner comes after their start-up lines.
  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (announced || listening < config.API_WORKERS) return;
    announced = true;
    const base = `http://${config.HOST}:${address.port}`;
    announce(
      config,
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
