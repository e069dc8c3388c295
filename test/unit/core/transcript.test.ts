import { describe, expect, it } from 'vitest';
import { transcriptText } from '../../../core/chat/transcript';
import type { ChatEntry } from '../../../core/chat/types';

const entry = (id: string, thread: string, senderName: string, text: string, sentAt: number): ChatEntry =>
  ({
    sessionId: 's',
    id,
    senderId: senderName,
    senderName,
    thread,
    text,
    sentAt,
    mine: false,
    sentTo: [],
  }) as unknown as ChatEntry;

describe('transcriptText', () => {
  it('heads the text with the session, then each conversation in time order, one line a message', () => {
    const t0 = Date.UTC(2026, 10, 27, 9, 0, 0);
    const text = transcriptText(
      [
        entry('b', 'ann', 'Rita', 'Hello Ann', t0 + 2000),
        entry('a', 'ann', 'Ann', 'My printer\nis broken', t0 + 1000),
        entry('c', 'all', 'Rita', 'Back in a minute', t0 + 3000),
      ],
      {
        number: '123 456 789',
        startedAt: t0,
        endedAt: t0 + 60_000,
        threadName: (id) => (id === 'all' ? 'Everyone' : 'Ann'),
        words: { title: 'Session', started: 'Started', ended: 'Ended', conversation: 'Conversation' },
      },
    );
    expect(text).toBe(
      [
        'Session 123 456 789',
        'Started: 2026-11-27 09:00:00 UTC',
        'Ended: 2026-11-27 09:01:00 UTC',
        '',
        'Conversation: Ann',
        '2026-11-27 09:00:01 UTC  Ann: My printer',
        '    is broken',
        '2026-11-27 09:00:02 UTC  Rita: Hello Ann',
        '',
        'Conversation: Everyone',
        '2026-11-27 09:00:03 UTC  Rita: Back in a minute',
        '',
      ].join('\n'),
    );
  });
});
