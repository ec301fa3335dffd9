import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { type LogFn, type Logger, type LoggerOptions, pino } from 'pino';
import type { Options } from 'pino-http';
import { type LoggingConfig, logOutput } from './output.js';
import { requestIdOf } from './request-id.js';

/**
 * Nest's start-up chatter, logged at `log` (pino's info): one line per module, controller and
 * route. Demoted to debug, so that at info a person sees warnings, requests and the banner.
 */
const NEST_START_UP_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

const INFO = pino.levels.values.info ?? 30;

function isNestStartUp(first: unknown): boolean {
  if (typeof first !== 'object' || first === null) return false;
  const context = (first as { context?: unknown }).context;
  return typeof context === 'string' && NEST_START_UP_CONTEXTS.has(context);
}

const demoteNestStartUp: NonNullable<NonNullable<LoggerOptions['hooks']>['logMethod']> = function (
  this: Logger,
  args: Parameters<LogFn>,
  method: LogFn,
  level: number,
) {
  if (level === INFO && isNestStartUp(args[0])) {
    (this.debug as (...values: unknown[]) => void).apply(this, args);
    return;
  }
  (method as (...values: unknown[]) => void).apply(this, args);
};

/** Whether `level` lets info lines through (the one line per request is at info). */
function logsInfo(level: LoggingConfig['LOG_LEVEL']): boolean {
  return level !== 'silent' && (pino.levels.values[level] ?? INFO) <= INFO;
}

/**
 * The logger for what happens before Nest's logger exists (and around it, in main.ts): same
 * level and output as the request logger, so its lines are in order with everything else.
 * create-app.ts: `const startupLog = createStartupLogger(config);` in place of `pino({ level })`.
 */
export function createStartupLogger(config: LoggingConfig): Logger {
  return pino({ level: config.LOG_LEVEL }, logOutput(config).logs);
}

/**
 * The `LoggerModule.forRoot` parameters (nestjs-pino): pino-http with request ids, redaction and
 * path-only serializers, one line per request at info; Nest's start-up lines at debug.
 *
 * `LOG_LEVEL=silent` mounts no per-request middleware at all (`forRoutes: []`): pino-http would
 * still make a request id and two child loggers (serializing the request) for every request,
 * to log nothing. Above info (warn, error, fatal) pino-http stays, so that what is logged during
 * a request carries its id, but without its per-request line, which is at info.
 */
export function httpLoggerParams(config: LoggingConfig): Params {
  const { logs } = logOutput(config);
  if (config.LOG_LEVEL === 'silent') {
    return { pinoHttp: [{ level: 'silent' }, logs], forRoutes: [] };
  }
  const options: Options = {
    level: config.LOG_LEVEL,
    genReqId: requestIdOf,
    autoLogging: logsInfo(config.LOG_LEVEL),
    hooks: { logMethod: demoteNestStartUp },
    // Credentials never reach the logs, whatever a serializer decides to include.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id: unknown; method: unknown; url: unknown }) => ({
        id: req.id,
        method: req.method,
        // The path only: a query string may carry what a client should not have sent.
        url: typeof req.url === 'string' ? req.url.split('?')[0] : req.url,
      }),
      res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
    },
  };
  // Every path, `/` included, on both HTTP platforms: nestjs-pino's default (`{/*splat}`)
  // matches only `/` under fastify's middleware matcher.
  return { pinoHttp: [options, logs], forRoutes: [{ path: '/{*splat}', method: RequestMethod.ALL }] };
}

/**
 * Writes text that is not a log line (main.ts's URL banner) to stdout, after every line logged
 * so far: the logs are written asynchronously, so a plain `process.stdout.write` could overtake
 * them.
 */
export function announce(config: LoggingConfig, text: string): void {
  logOutput(config).write(text);
}
