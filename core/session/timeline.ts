import type { LeftReason, Participant, Role } from '../protocol';

/** One line of a session's story besides the chat: someone joined or left, and how. */
export interface TimelineItem {
  key: string;
  at: number;
  participantId: string;
  name: string;
  role: Role;
  kind: 'joined' | LeftReason;
}

/**
 * Joins and departures, oldest first, derived from the roster (so a reloaded panel tells the same
 * story). The session's own start (the controller joining) and the end are not news.
 */
export function sessionTimeline(participants: readonly Participant[], selfId: string): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const p of participants) {
    const base = { participantId: p.id, name: p.name, role: p.role };
    if (p.role !== 'controller' && p.id !== selfId)
      items.push({ ...base, key: `${p.id}:joined`, at: p.joinedAt, kind: 'joined' });
    const reason = p.leftReason ?? 'left';
    if (p.leftAt !== null && reason !== 'ended' && p.id !== selfId) {
      items.push({ ...base, key: `${p.id}:${reason}`, at: p.leftAt, kind: reason });
    }
  }
  return items.sort((a, b) => a.at - b.at);
}
