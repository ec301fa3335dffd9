import { STATUS_CODES } from 'node:http';
import { type ProblemDetails, ProblemError } from '@authbench/auth-core';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

const PROBLEM_JSON = 'application/problem+json';

/** http-errors (body-parser, express) mark errors safe to show a client with `expose`. */
interface ExposedHttpError {
  readonly status: number;
  readonly expose: true;
  readonly type?: string;
  readonly message: string;
}

function isExposedHttpError(error: unknown): error is ExposedHttpError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as Partial<ExposedHttpError>;
  return candidate.expose === true && typeof candidate.status === 'number';
}

/**
 * fastify's own request errors (Nest maps its 4xx `FastifyError`s to an `HttpException` whose
 * cause is the original): its codes for what body-parser calls `entity.too.large` and
 * `entity.parse.failed`, worded the same, so both platforms answer alike.
 */
interface FastifyRequestError {
  readonly name: 'FastifyError';
  readonly code: string;
  readonly statusCode: number;
}

function isFastifyRequestError(error: unknown): error is FastifyRequestError {
  if (!(error instanceof Error) || error.name !== 'FastifyError') return false;
  const candidate = error as Partial<FastifyRequestError>;
  return typeof candidate.code === 'string' && typeof candidate.statusCode === 'number';
}

function detailOfFastifyError(error: FastifyRequestError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body exceeds the 16 KiB limit.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Request bodies must be application/json.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON.';
    default:
      return `${titleOf(error.statusCode)}.`;
  }
}

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** Client-facing wording for body-parser failures, whose own messages leak parser internals. */
function detailOfHttpError(error: ExposedHttpError): string {
  switch (error.type) {
    case 'entity.parse.failed':
      return 'The request body is not valid JSON.';
    case 'entity.too.large':
      return 'The request body exceeds the 16 KiB limit.';
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return 'The request body encoding is not supported.';
    default:
      return error.message;
  }
}

function detailOfHttpException(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return exception.message;
}

/**
 * Every error leaves as RFC 9457 problem+json (CONTRACT §2). Anything that is not a known
 * client error is a bug: logged with its stack, answered with a bare 500 that reveals nothing.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Replies through Nest's HTTP adapter: the same on express and fastify (`HTTP_PLATFORM`). */
  catch(exception: unknown, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    const { problem, headers } = this.toProblem(exception);
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.setHeader(response, 'Content-Type', `${PROBLEM_JSON}; charset=utf-8`);
    adapter.reply(response, JSON.stringify(problem), problem.status);
  }

  private toProblem(exception: unknown): {
    problem: ProblemDetails;
    headers: Readonly<Record<string, string>>;
  } {
    if (exception instanceof ProblemError) {
      return { problem: exception.toProblem(), headers: exception.headers };
    }
    // Nest wraps body-parser's errors in an HttpException; its own wording is the safer detail.
    const httpError = exception instanceof HttpException ? exception.cause : exception;
    if (isExposedHttpError(httpError) && httpError.status >= 400 && httpError.status < 500) {
      const status = httpError.status;
      return {
        problem: {
          type: 'about:blank',
          title: titleOf(status),
          status,
          detail: detailOfHttpError(httpError),
        },
        headers: {},
      };
    }
    if (isFastifyRequestError(httpError) && httpError.statusCode >= 400 && httpError.statusCode < 500) {
      const status = httpError.statusCode;
      return {
        problem: {
          type: 'about:blank',
          title: titleOf(status),
          status,
          detail: detailOfFastifyError(httpError),
        },
        headers: {},
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        problem: {
          type: 'about:blank',
          title: titleOf(status),
          status,
          detail: detailOfHttpException(exception),
        },
        headers: {},
      };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return {
      problem: {
        type: 'about:blank',
        title: titleOf(500),
        status: 500,
        detail: 'An unexpected error occurred.',
      },
      headers: {},
    };
  }
}
