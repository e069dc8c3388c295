import type { ChatEntry } from './types';

export interface TranscriptInfo {
  /** The session number as people read it. */
  number: string;
  startedAt: number;
  endedAt: number | null;
  /** A thread's name: a customer's name for their conversation, e.g. "Everyone" for 'all'. */
  threadName(thread: string): string;
  /** Words of the heading lines, in the reader's language. */
  words: { title: string; started: string; ended: string; conversation: string };
}

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

/**
 * The chat as plain text for the rep to keep (issue 17): a heading, then each conversation in order,
 * one line per message, "time  name: text". Text only: nothing in a message can become markup.
 */
export function transcriptText(entries: readonly ChatEntry[], info: TranscriptInfo): string {
  const lines = [
    `${info.words.title} ${info.number}`,
    `${info.words.started}: ${stamp(info.startedAt)}`,
    ...(info.endedAt === null ? [] : [`${info.words.ended}: ${stamp(info.endedAt)}`]),
  ];
  const threads = [...new Set(entries.map((e) => e.thread))];
  for (const thread of threads) {
    lines.push('', `${info.words.conversation}: ${info.threadName(thread)}`);
    const ordered = entries.filter((e) => e.thread === thread).sort((a, b) => a.sentAt - b.sentAt);
    for (const e of ordered) {
      // Continuation lines are indented, so a message cannot pass itself off as another one.
      const text = e.text.replace(/\r\n?/g, '\n').split('\n').join('\n    ');
      lines.push(`${stamp(e.sentAt)}  ${e.senderName}: ${text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
