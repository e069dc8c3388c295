import type { ControlChange, LeftReason, Participant, Role, TransferRecord, TransferTarget } from '../protocol';

/** One line of a session's story besides the chat: someone joined or left, and how; control changed hands. */
export type TimelineItem =
  | { key: string; at: number; participantId: string; name: string; role: Role; kind: 'joined' | LeftReason }
  | { key: string; at: number; kind: 'control'; from: string; to: string }
  | { key: string; at: number; kind: 'transfer-started'; from: string; target: TransferTarget }
  | { key: string; at: number; kind: 'transfer-ended'; outcome: 'accepted' | 'cancelled' | 'taken-back'; to: string };

/**
 * The role someone joined with. Roles change when control passes or a session is transferred, so the
 * roster's role is today's: the session's first controller is the rep who joined first (they started
 * it); every other rep came in as an assistant, or by a transfer (told by its own line).
 */
function roleAtJoin(p: Participant, firstController: string | undefined): Role {
  if (p.role === 'customer') return 'customer';
  return p.id === firstController ? 'controller' : 'assistant';
}

/**
 * Joins, departures, hand-overs of control and transfers, oldest first, derived from the roster and the
 * session's records (so a reloaded panel tells the same story). The session's own start and the end are
 * not news. `customerView`: only hand-overs and transfers (customers are not told who comes and goes).
 */
export function sessionTimeline(
  participants: readonly Participant[],
  selfId: string,
  controlChanges: readonly ControlChange[] = [],
  customerView = false,
  transfers: readonly TransferRecord[] = [],
): TimelineItem[] {
  const items: TimelineItem[] = [];
  const nameOf = (id: string) => participants.find((p) => p.id === id)?.name ?? '';
  for (const c of controlChanges) {
    items.push({ key: `control:${c.epoch}`, at: c.at, kind: 'control', from: nameOf(c.from), to: nameOf(c.to) });
  }
  /** Entries whose coming or going a transfer line tells already. */
  const toldByTransfer = new Set<string>();
  for (const r of transfers) {
    items.push({ key: `transfer:${r.id}`, at: r.startedAt, kind: 'transfer-started', from: nameOf(r.from), target: r.target });
    toldByTransfer.add(`${r.from}:left`);
    if (r.outcome && r.outcome !== 'abandoned' && r.controllerId && r.endedAt !== null) {
      items.push({
        key: `transfer-end:${r.id}`,
        at: r.endedAt,
        kind: 'transfer-ended',
        outcome: r.outcome,
        to: nameOf(r.controllerId),
      });
      toldByTransfer.add(`${r.controllerId}:joined`);
    }
  }
  if (customerView) return items.sort((a, b) => a.at - b.at);
  const reps = participants.filter((p) => p.role !== 'customer').sort((a, b) => a.joinedAt - b.joinedAt);
  const firstController = reps[0]?.id;
  for (const p of participants) {
    const base = { participantId: p.id, name: p.name, role: roleAtJoin(p, firstController) };
    if (base.role !== 'controller' && p.id !== selfId && !toldByTransfer.has(`${p.id}:joined`))
      items.push({ ...base, key: `${p.id}:joined`, at: p.joinedAt, kind: 'joined' });
    const reason = p.leftReason ?? 'left';
    if (p.leftAt !== null && reason !== 'ended' && p.id !== selfId && !toldByTransfer.has(`${p.id}:${reason}`)) {
      items.push({ ...base, key: `${p.id}:${reason}`, at: p.leftAt, kind: reason });
    }
  }
  return items.sort((a, b) => a.at - b.at);
}
