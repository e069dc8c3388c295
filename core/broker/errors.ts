import * as v from 'valibot';
import { ApiErrorBody } from '../protocol';

/** A failed broker call: `code` is the broker's error code, or `network` when the broker was not reached. */
export class BrokerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BrokerError';
  }

  static async fromResponse(response: Response): Promise<BrokerError> {
    const body: unknown = await response.json().catch(() => undefined);
    const parsed = v.safeParse(ApiErrorBody, body);
    if (parsed.success) return new BrokerError(response.status, parsed.output.error.code, parsed.output.error.message);
    return new BrokerError(response.status, 'http_' + response.status, response.statusText || 'Request failed');
  }
}

export function isBrokerError(error: unknown, code?: string): error is BrokerError {
  return error instanceof BrokerError && (code === undefined || error.code === code);
}
