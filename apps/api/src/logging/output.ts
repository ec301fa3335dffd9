import { createRequire } from 'node:module';
import { type DestinationStream, pino } from 'pino';
import type { AppConfig } from '../config/config.js';

export type LoggingConfig = Pick<AppConfig, 'LOG_LEVEL' | 'NODE_ENV'>;

/**
 * Where every log of the process goes, and the same place underneath for text that is not a
 * log (the URL banner). One per process, shared by the start-up logger and the request logger,
 * so that lines leave in the order they were made, whichever logger made them.
 */
export interface LogOutput {
  /** What pino writes its JSON lines to. */
  readonly logs: DestinationStream;
  /** Writes text as is, after everything logged so far. */
  write(text: string): void;
  /** true: lines are rendered for a person (pino-pretty); false: JSON lines. */
  readonly pretty: boolean;
}

/** For a person: development (or test) on a terminal. Anything else gets JSON, one object a line. */
export function isForAPerson(config: Pick<AppConfig, 'NODE_ENV'>): boolean {
  return process.stdout.isTTY === true && config.NODE_ENV !== 'production';
}

const outputs = new Map<boolean, LogOutput>();

export function logOutput(config: Pick<AppConfig, 'NODE_ENV'>): LogOutput {
  const pretty = isForAPerson(config);
  let output = outputs.get(pretty);
  if (output === undefined) {
    output = pretty ? prettyOutput() : jsonOutput();
    outputs.set(pretty, output);
  }
  return output;
}

/** pino's own default for stdout (an asynchronous SonicBoom on fd 1), made once and shared. */
function jsonOutput(): LogOutput {
  // As pino does: a test runner that has replaced process.stdout.write gets its stream.
  if (process.stdout.write !== Object.getPrototypeOf(process.stdout).write) {
    return { logs: process.stdout, write: (text) => process.stdout.write(text), pretty: false };
  }
  const stdout = pino.destination({ dest: 1, sync: false, minLength: 0 });
  return { logs: stdout, write: (text) => stdout.write(text), pretty: false };
}

interface PrettyLine {
  readonly [key: string]: unknown;
  readonly context?: unknown;
  readonly req?: { readonly id?: unknown; readonly method?: unknown; readonly url?: unknown };
  readonly res?: { readonly statusCode?: unknown };
  readonly responseTime?: unknown;
}

/**
 * pino-pretty in this thread, formatting each line as it is written, to a synchronous stdout:
 * no worker thread (a pino transport) that could print after the banner, and development only,
 * where a blocking write to a terminal costs nothing that matters.
 */
function prettyOutput(): LogOutput {
  // Loaded only here: production never needs it.
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const prettify = prettyFactory({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,req,res,responseTime',
    messageFormat: (log: PrettyLine, messageKey: string) => {
      const message = String(log[messageKey] ?? '');
      const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
      const { req, res } = log;
      if (req === undefined) return `${context}${message}`;
      const outcome = res?.statusCode === undefined ? '' : ` → ${String(res.statusCode)}`;
      const time = typeof log.responseTime === 'number' ? ` ${log.responseTime} ms` : '';
      const line = `${String(req.method)} ${String(req.url)}${outcome}${time}`;
      return `${context}${message === 'request completed' ? line : `${message} (${line})`}  id=${String(req.id)}`;
    },
  });
  const stdout = pino.destination({ dest: 1, sync: true });
  return {
    logs: { write: (line: string) => stdout.write(prettify(line)) },
    write: (text) => stdout.write(text),
    pretty: true,
  };
}
