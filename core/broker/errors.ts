import * as v from 'valibot';
import { ApiErrorBody, isBrokerErrorCode, type ErrorCode } from '../protocol';

/** A failed broker call: `code` is the broker's error code, or `network` when the broker was not reached. */
export class BrokerError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** From `Retry-After`: when asking again makes sense (rate limits). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'BrokerError';
  }

  static async fromResponse(response: Response): Promise<BrokerError> {
    const body: unknown = await response.json().catch(() => undefined);
    const parsed = v.safeParse(ApiErrorBody, body);
    if (!parsed.success)
      return new BrokerError(response.status, `http_${response.status}`, response.statusText || 'Request failed');
    const { code, message } = parsed.output.error;
    const retryAfter = Number(response.headers.get('Retry-After'));
    const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 86_400) : undefined;
    // A code this client does not know yet (a newer broker) is told by its status; the message still helps.
    return new BrokerError(
      response.status,
      isBrokerErrorCode(code) ? code : `http_${response.status}`,
      message,
      retryAfterSeconds,
    );
  }
}

export function isBrokerError(error: unknown, code?: ErrorCode): error is BrokerError {
  return error instanceof BrokerError && (code === undefined || error.code === code);
}
