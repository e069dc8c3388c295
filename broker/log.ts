/** Where the broker writes diagnostics; tests pass a quiet one. Never given tokens or message content. */
export interface Logger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  warn: (message, error) => console.warn(message, ...(error === undefined ? [] : [error])),
  error: (message, error) => console.error(message, ...(error === undefined ? [] : [error])),
};

/** LOG_LEVEL: what the broker prints after its banner. 'info' (default) is every sign-in and session. */
export const LOG_LEVELS = ['error', 'warn', 'info'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `log` with the lines below `level` left out, each line stamped with the time. */
export function leveledLogger(log: Logger, level: LogLevel, now: () => number = Date.now): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const stamp = (message: string) => `${new Date(now()).toISOString()} ${message}`;
  return {
    info: (message) => (rank >= 2 ? log.info(stamp(message)) : undefined),
    warn: (message, error) => (rank >= 1 ? log.warn(stamp(message), error) : undefined),
    error: (message, error) => log.error(stamp(message), error),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
