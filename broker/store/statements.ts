import type Database from 'better-sqlite3';

export type Row = Record<string, unknown>;

/** SQL on one database, each statement prepared once, on first use. */
export class Statements {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private sql(text: string): Database.Statement {
    let statement = this.prepared.get(text);
    if (!statement) this.prepared.set(text, (statement = this.db.prepare(text)));
    return statement;
  }
  get(text: string, ...params: unknown[]): Row | undefined {
    return this.sql(text).get(...params) as Row | undefined;
  }
  all(text: string, ...params: unknown[]): Row[] {
    return this.sql(text).all(...params) as Row[];
  }
  run(text: string, ...params: unknown[]): Database.RunResult {
    return this.sql(text).run(...params);
  }
}
