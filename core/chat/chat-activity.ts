import { signal } from '@preact/signals-core';
import type { Activity } from '../session/activities';
import type { Chat } from './chat';

/**
 * The conversation as a session activity: it owns chat messages and their acknowledgements, resends on
 * every link that opens, and outlives stops (the former controller goes on chatting after a hand-over).
 */
export function chatActivity(chat: Chat): Activity {
  return {
    name: 'chat',
    messageTypes: ['chat', 'chat-ack'],
    callKinds: [],
    running: signal(false),
    survivesStops: true,
    receive: (from, message) => chat.receive(from, message),
    linkOpened: (participantId) => chat.linkOpened(participantId),
    stop: () => undefined,
    dispose: () => chat.dispose(),
  };
}
