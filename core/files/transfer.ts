import type { MeshMessage } from '../protocol';
import type { StopReason } from '../session/activities';

/** Why a transfer ended without a file. */
export type FileFailure =
  | 'cancelled' // this side's Cancel
  | 'peer-cancelled' // the other side's Cancel
  | 'declined'
  | 'too-large' // over MAX_FILE_MB
  | 'stopped' // a control change or an active-customer switch (see `stopReason`)
  | 'damaged' // one chunk kept arriving damaged
  | 'protocol' // the sender broke the rules (wrong lengths, more bytes than offered)
  | 'hash' // the whole file's SHA-256 did not match
  | 'disk' // the receiver's disk refused (full, no OPFS)
  | 'read'; // the sender's file could not be read (moved, deleted)

export type TransferState =
  | 'needs-file' // the sender's page reloaded and lost the file: it must be picked again
  | 'offered' // waiting for the receiver's answer
  | 'incoming' // waiting for my answer (Accept / Decline)
  | 'queued' // accepted; waits for a channel (a few at once per peer)
  | 'active'
  | 'paused' // the link dropped: resumes when it is back
  | 'verifying' // every chunk is there; the whole-file hash is being checked
  | 'done'
  | 'failed';

/** One transfer as the UI sees it: plain data (it crosses to the panel from the session host). */
export interface TransferView {
  /** `send:<peer>:<id>` or `receive:<peer>:<id>`. */
  key: string;
  id: string;
  direction: 'send' | 'receive';
  /** The other side's participant id. */
  peer: string;
  name: string;
  size: number;
  mime: string;
  state: TransferState;
  /** Verified bytes (acknowledged by the receiver, or on the receiver's disk). */
  bytes: number;
  /** Bytes a second, smoothed; 0 when not moving. */
  rate: number;
  /** Payload bytes this side put on (sender) or took off (receiver) the channel, resends included. */
  wireBytes: number;
  /** Bytes that were already there when it (re)started: a resume did not send them again. */
  resumedFrom: number;
  failure?: FileFailure;
  stopReason?: StopReason;
  /** The browser's own words for a 'disk' failure (e.g. "QuotaExceededError: …"), for whoever looks into it. */
  detail?: string;
}

export const isFinished = (state: TransferState) => state === 'done' || state === 'failed';

export interface TransferDeps {
  send(message: MeshMessage): boolean;
  /** Something in the view changed; `now` for state changes (progress is batched). */
  changed(now?: boolean): void;
}

/** Chunks in flight awaiting an ack: enough to keep a fast link full, few enough to bound memory (2 MiB). */
export const WINDOW = 32;
/** 64 KiB: small enough that chat on the same connection never waits long behind a chunk. */
export const CHUNK_SIZE = 64 * 1024;
/** Times one chunk may arrive damaged before the transfer gives up. */
export const MAX_CHUNK_FAILURES = 3;
