export type {
  Store,
  RepRow,
  SessionRow,
  ParticipantRow,
  InviteRow,
  StoredEvent,
  AuditEntry,
  RepMode,
  RepChanges,
  WaitRow,
  WaitStatusValue,
} from './types';
export { DuplicateEmailError } from './types';
export { openSqliteStore, DATABASE_FILE } from './sqlite';
