import type { ControlChange, LeftReason, Participant, Role } from '../protocol';

/** One line of a session's story besides the chat: someone joined or left, and how; control changed hands. */
export type TimelineItem =
  | { key: string; at: number; participantId: string; name: string; role: Role; kind: 'joined' | LeftReason }
  | { key: string; at: number; kind: 'control'; from: string; to: string };

/**
 * The role someone joined with. Roles change when control passes, so the roster's role is today's: the
 * session's first controller is whoever first passed control (or still controls it), every other rep
 * came in as an assistant.
 */
function roleAtJoin(p: Participant, firstController: string | undefined): Role {
  if (p.role === 'customer') return 'customer';
  return p.id === firstController ? 'controller' : 'assistant';
}

/**
 * Joins, departures and hand-overs of control, oldest first, derived from the roster and the hand-overs
 * (so a reloaded panel tells the same story). The session's own start (the first controller joining)
 * and the end are not news. `customerView`: only the hand-overs (customers are not told who comes and goes).
 */
export function sessionTimeline(
  participants: readonly Participant[],
  selfId: string,
  controlChanges: readonly ControlChange[] = [],
  customerView = false,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  const nameOf = (id: string) => participants.find((p) => p.id === id)?.name ?? '';
  for (const c of controlChanges) {
    items.push({ key: `control:${c.epoch}`, at: c.at, kind: 'control', from: nameOf(c.from), to: nameOf(c.to) });
  }
  if (customerView) return items.sort((a, b) => a.at - b.at);
  const firstController = controlChanges[0]?.from ?? participants.find((p) => p.role === 'controller')?.id;
  for (const p of participants) {
    const base = { participantId: p.id, name: p.name, role: roleAtJoin(p, firstController) };
    if (base.role !== 'controller' && p.id !== selfId)
      items.push({ ...base, key: `${p.id}:joined`, at: p.joinedAt, kind: 'joined' });
    const reason = p.leftReason ?? 'left';
    if (p.leftAt !== null && reason !== 'ended' && p.id !== selfId) {
      items.push({ ...base, key: `${p.id}:${reason}`, at: p.leftAt, kind: reason });
    }
  }
  return items.sort((a, b) => a.at - b.at);
}
