export type {
  Store,
  RepRow,
  SessionRow,
  ParticipantRow,
  LeftReason,
  InviteRow,
  StoredEvent,
  AuditEntry,
  Outbox,
  RepMode,
  RepChanges,
  RepTokenRow,
  WaitRow,
  WaitStatusValue,
  SessionSummaryRow,
  RatingRow,
  ReportRow,
} from './types';
export { DuplicateEmailError } from './types';
export { describeStore, openSqliteStore, openStore, type SqliteStore } from './open';
export { DATABASE_FILE } from './sqliteDatabase';
export type { AcdStore, QueueRow, TransferRow, TransferStatus, OfferRow, OfferStatus } from './acdTypes';
