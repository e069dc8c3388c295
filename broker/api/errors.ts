import * as v from 'valibot';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCode, type BrokerErrorCode } from '../../core/protocol';
import type { Logger } from '../log';

/** The one place a domain error's code becomes an HTTP status. */
export const STATUS_OF: Record<BrokerErrorCode, number> = {
  bad_request: 400,
  unsupported: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invite_not_found: 404,
  conflict: 409,
  session_full: 409,
  single_session: 409,
  session_ended: 410,
  invite_expired: 410,
  wait_expired: 410,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  // The request was fine, the mail server was not.
  mail_failed: 502,
};

/**
 * An error the client is meant to see: `{error:{code,message}}` with the code's status. Session rules
 * throw these by code; only HTTP plumbing (errorHandler) overrides the status.
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    /** Sent as `Retry-After` (seconds): when asking again makes sense. */
    readonly retryAfterSeconds?: number,
    status?: number,
  ) {
    super(message);
    this.status = status ?? STATUS_OF[code];
  }
}

export const badRequest = (message: string) => new ApiError(ErrorCode.badRequest, message);
export const unauthorized = (message = 'Please sign in again') => new ApiError(ErrorCode.unauthorized, message);
export const forbidden = (message: string) => new ApiError(ErrorCode.forbidden, message);
export const notFound = (message = 'Not found') => new ApiError(ErrorCode.notFound, message);
export const conflict = (message: string) => new ApiError(ErrorCode.conflict, message);
export const sessionEnded = () => new ApiError(ErrorCode.sessionEnded, 'The session has ended');
export const unsupported = (message: string) => new ApiError(ErrorCode.unsupported, message);

/**
 * Every refusal for rate reasons: 429, `Retry-After` and the error shape. `what` says what happened in
 * plain words ("Too many sign-in attempts."); the wait is added in words the person can act on.
 */
export function rateLimited(retryAfterSeconds: number, what: string): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(ErrorCode.rateLimited, `${what} Try again ${inWords(seconds)}.`, seconds);
}

/** "in 40 seconds", "in 3 minutes", "in 2 hours": rounded up, so nobody comes back too early. */
export function inWords(seconds: number): string {
  const plural = (n: number, unit: string) => `in ${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 120) return plural(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  return minutes < 120 ? plural(minutes, 'minute') : plural(Math.ceil(seconds / 3600), 'hour');
}

/** Validates input against a protocol schema; the first issue becomes a 400 the user can read. */
export function parse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  if (input === undefined) throw badRequest('Expected a JSON body (Content-Type: application/json)');
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((item) => String(item.key)).join('.');
  // valibot's own messages ("Invalid type: …") need the field name; ours are written for people.
  const message = path && issue.message.startsWith('Invalid ') ? `${path}: ${issue.message}` : issue.message;
  throw badRequest(message);
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound('There is nothing at this address'));

/** Body-parser failures carry a `type`; anything else unexpected is logged and hidden. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const apiError = toApiError(error);
    if (!apiError) log.error(`${req.method} ${req.path} failed`, error);
    const { status, code, message } = apiError ?? {
      status: STATUS_OF.internal,
      code: ErrorCode.internal,
      message: 'Something went wrong on the server',
    };
    if (res.headersSent) return void res.end();
    if (apiError?.retryAfterSeconds !== undefined) res.set('Retry-After', String(apiError.retryAfterSeconds));
    res.status(status).json({ error: { code, message } });
  };
}

function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const e = error as { type?: string; status?: number; statusCode?: number; expose?: boolean } | null;
  switch (e?.type) {
    case 'entity.parse.failed':
      return badRequest('The request body is not valid JSON');
    case 'entity.too.large':
      return new ApiError(ErrorCode.tooLarge, 'The request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(ErrorCode.badRequest, 'Send the request body as UTF-8 JSON', undefined, 415);
  }
  // http-errors raised by Express itself (e.g. an undecodable %-escape in the path) are client errors.
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return badRequest('The request is malformed');
  return undefined;
}
