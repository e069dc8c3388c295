export type Row = Record<string, unknown>;

/**
 * SQL on one connection, written once for both dialects: `?` placeholders (PostgreSQL's runner numbers
 * them), no dialect-only functions. `run` answers how many rows changed.
 */
export interface SqlRunner {
  get(text: string, ...params: unknown[]): Promise<Row | undefined>;
  all(text: string, ...params: unknown[]): Promise<Row[]>;
  run(text: string, ...params: unknown[]): Promise<number>;
}

/** A database: its runner works outside transactions; `transaction` hands fn a runner bound to one. */
export interface SqlDatabase extends SqlRunner {
  readonly dialect: 'sqlite' | 'postgres';
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Did this error come from a unique constraint on table.column? */
  isUniqueViolation(error: unknown, table: string, column: string): boolean;
  close(): Promise<void>;
}
