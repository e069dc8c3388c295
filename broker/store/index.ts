export type {
  Store,
  RepRow,
  SessionRow,
  ParticipantRow,
  LeftReason,
  InviteRow,
  StoredEvent,
  AuditEntry,
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
export { openSqliteStore, DATABASE_FILE } from './sqlite';
export type { AcdStore, QueueRow, TransferRow, TransferStatus, OfferRow, OfferStatus } from './acdTypes';
