import type { ChatEntry } from '../chat/types';

/**
 * The chat during a recording as WebVTT, saved beside the video: each message a cue from the moment it
 * was written (relative to the recording's start) for a few seconds, "Name: text". WebVTT is text with
 * a few reserved sequences: `-->` and a blank line would end or split a cue, `<` and `&` start markup,
 * so those are escaped and blank lines closed up: a message cannot become markup or another cue.
 */
const CUE_MS = 4_000;

const time = (ms: number) => {
  const t = Math.max(0, Math.round(ms));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(t / 3_600_000))}:${pad(Math.floor(t / 60_000) % 60)}:${pad(Math.floor(t / 1000) % 60)}.${pad(t % 1000, 3)}`;
};

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?/g, '\n')
    .replace(/\n\s*\n/g, '\n')
    .trim();

/** Messages written from `startedAt` to `endedAt`, in order, as a WebVTT file. */
export function chatVtt(entries: readonly ChatEntry[], startedAt: number, endedAt: number): string {
  const lines = ['WEBVTT', ''];
  const during = entries.filter((e) => e.sentAt >= startedAt && e.sentAt <= endedAt).sort((a, b) => a.sentAt - b.sentAt);
  during.forEach((e, i) => {
    const from = e.sentAt - startedAt;
    lines.push(String(i + 1), `${time(from)} --> ${time(from + CUE_MS)}`, `${escape(e.senderName)}: ${escape(e.text)}`, '');
  });
  return lines.join('\n');
}
