/** A recording as the extension keeps it (Dexie: meta here, the video in chunks beside it). */
export interface RecordingMeta {
  id: string;
  sessionId: string;
  /** The session number, as people read it. */
  sessionNumber: string;
  /** Whom it was about: the customers' names at the start. */
  customer: string;
  startedAt: number;
  /** When the last chunk was written: a 'recording' one not written to for a while was interrupted. */
  updatedAt: number;
  /** Recorded so far (updated with every chunk; final once stopped). */
  durationMs: number;
  bytes: number;
  chunks: number;
  mimeType: string;
  /**
   * 'recording' while it runs; 'cut' when its recorder went away without stopping (a crash, the host
   * closed): it is kept up to its last chunk.
   */
  state: 'recording' | 'done' | 'cut';
  /** The chat during the recording as WebVTT (kept current with every chunk). */
  chat: string;
}

/** Where recordings live: Dexie in the extension (shared by the session host and the panel). */
export interface RecordingStore {
  create(meta: RecordingMeta): Promise<void>;
  /** Adds the next chunk and brings the meta up to date, in one transaction. */
  append(id: string, seq: number, data: Blob, update: Partial<RecordingMeta>): Promise<void>;
  update(id: string, update: Partial<RecordingMeta>): Promise<void>;
  list(): Promise<RecordingMeta[]>;
  /** Calls back with the list now and on every change; returns the unsubscribe. */
  watch(onList: (list: RecordingMeta[]) => void): () => void;
  chunks(id: string): Promise<Blob[]>;
  remove(id: string): Promise<void>;
  /** The browser's storage estimate (bytes), where it has one. */
  estimate(): Promise<{ usage: number; quota: number } | undefined>;
  /** Asks the browser to keep this storage (not evict it under pressure). */
  persist(): Promise<boolean>;
}

/** A live stream and the participant it comes from. */
export interface OwnedStream {
  from: string;
  stream: MediaStream;
}

/**
 * What the session has live, with whose each stream is: the recording activity records a customer's only
 * once their page confirmed this recording's notice (one who joins mid-recording too).
 */
export interface RecordableMedia {
  /** Live screens, the preferred one first (the customer’s, then a rep’s). */
  screens(): readonly OwnedStream[];
  /** Every voice heard here, mine included. */
  voices(): readonly OwnedStream[];
}

/** What a recording shows and plays: the screen live now, and every voice (mixed into one track). */
export interface RecorderSources {
  video(): MediaStream | null;
  audio(): readonly MediaStream[];
}

export interface Recorder {
  /** Stops; resolves once the last chunk was handed over. */
  stop(): Promise<void>;
}

export interface RecorderOptions {
  /** A chunk every so often: a crash loses at most the last one. */
  timesliceMs: number;
  onChunk(data: Blob): void;
  /** The recorder failed on its own (the browser stopped it). */
  onError(error: unknown): void;
}

/** Starts recording what `sources` give, as they change (a browser adapter: MediaRecorder). */
export type StartRecorder = (sources: RecorderSources, options: RecorderOptions) => Recorder;
