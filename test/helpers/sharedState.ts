import type { StartBrokerOptions } from './broker';
import { postgresForBlock, type TestPostgres } from './postgres';
import { tempDirsForBlock } from './tempDirs';

/**
 * Where the brokers of one test cluster keep their common state (issue 16). Tests of several brokers run
 * against each with `describe.each(SHARED_STATES)`:
 * - one SQLite file in one DATA_DIR, as a help desk that grew from one broker on one host has it;
 * - one PostgreSQL database (DATABASE_URL), each broker with a DATA_DIR of its own, as production has
 *   it: then nothing on disk is shared, and the server key reaches every broker through Redis only.
 */
export interface SharedState {
  readonly name: string;
  /** Inside the describe block: starts what the state needs for the block (a PostgreSQL cluster) and stops it after. */
  setUp(): void;
  /** Fresh, empty state: what every broker on it adds to its own options (see `onState`). */
  create(): Promise<Placement>;
}

export interface Placement {
  env: Record<string, string>;
  /** The shared DATA_DIR, if the state is a file in it. */
  dataDir?: string;
}

/** A broker's options with its place on the shared state. */
export function onState(placement: Placement, options: StartBrokerOptions = {}): StartBrokerOptions {
  return {
    ...options,
    ...(placement.dataDir === undefined ? {} : { dataDir: placement.dataDir }),
    env: { ...options.env, ...placement.env },
  };
}

const sqliteFile: SharedState = (() => {
  let makeDir: () => string;
  return {
    name: 'one SQLite file',
    setUp() {
      makeDir = tempDirsForBlock('rs-shared-');
    },
    async create() {
      return { env: {}, dataDir: makeDir() };
    },
  };
})();

const postgresDatabase: SharedState = (() => {
  let cluster: () => TestPostgres;
  return {
    name: 'PostgreSQL',
    setUp() {
      cluster = postgresForBlock();
    },
    async create() {
      return { env: { DATABASE_URL: await cluster().createDatabase() } };
    },
  };
})();

export const SHARED_STATES: readonly SharedState[] = [sqliteFile, postgresDatabase];
