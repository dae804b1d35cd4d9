/**
 * Kafka Connect's error responses: a status code and the body `{"error_code": <status>, "message": "..."}`,
 * as its ConnectExceptionMapper writes them. Herder errors map by class; anything unexpected is a 500.
 */
import { CdcError, ConfigError } from '../errors/index.js';
import { AlreadyExistsError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../herder/index.js';

export interface ErrorBody {
  error_code: number;
  message: string;
}

/** An error the REST layer raises itself (routing, body shape), with Connect's status and message. */
export class RestError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'RestError';
  }
}

// Jersey's texts for errors raised before a resource method runs.
export const NOT_FOUND = 'HTTP 404 Not Found';
export const METHOD_NOT_ALLOWED = 'HTTP 405 Method Not Allowed';
export const UNSUPPORTED_MEDIA_TYPE = 'HTTP 415 Unsupported Media Type';

function statusOf(err: unknown): number {
  if (err instanceof RestError) return err.statusCode;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof AlreadyExistsError || err instanceof ConflictError) return 409;
  if (err instanceof BadRequestError || err instanceof ConfigError) return 400;
  if (err instanceof ForbiddenError) return 403;
  // Fastify's own client errors (body parsing, media type, size) carry a 4xx statusCode.
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof code === 'number' && code >= 400 && code < 500) return code;
  return 500;
}

function messageOf(err: unknown, status: number): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return UNSUPPORTED_MEDIA_TYPE;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'Request body is too large';
  if (err instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return `Request body is not valid JSON: ${(err as Error).message}`;
  }
  // Server-side failures (Kafka unreachable, …) say what to do about them.
  if (status >= 500 && err instanceof CdcError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}

export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  const status = statusOf(err);
  return { status, body: { error_code: status, message: messageOf(err, status) } };
}
