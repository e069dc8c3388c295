import type { StartRecorder } from '../recording/types';

/**
 * The browser's capture devices as a session uses them. Anything a browser lacks is left out (a phone has
 * no `getDisplayMedia`), so the UI can leave out what cannot work instead of failing when clicked.
 */
export interface SessionMedia {
  /** The screen, a window or a tab, as the browser offers. Missing on phones. */
  getDisplayMedia?(): Promise<MediaStream>;
  /** A microphone or a camera. */
  getUserMedia?(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /** A real audio track that carries silence: what a listen-only participant sends when it places a voice call. */
  silence?(): MediaStream;
  /** Measures how loud a stream is (for "speaking" indicators). */
  meter?(stream: MediaStream): LevelMeter;
  /** Records a screen and mixed voices (MediaRecorder); absent where the browser cannot. */
  record?: StartRecorder;
}

export interface LevelMeter {
  /** The loudness now, 0 (silence) to 1. */
  level(): number;
  close(): void;
}

/** Which camera a phone shows: the one facing the customer, or the one on the back (to show a device). */
export type Facing = 'user' | 'environment';

/** Why a microphone or camera could not be had, in the terms people are told. */
export type DeviceProblem = 'denied' | 'missing' | 'unsupported' | 'failed';

export function deviceProblemOf(error: unknown): DeviceProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') return 'missing';
  return 'failed';
}
