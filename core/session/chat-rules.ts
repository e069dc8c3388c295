import { isRepRole, type Participant, type Self } from '../protocol';

/**
 * Chat is private per customer (issue 10): each customer has one conversation ("thread", named by their
 * participant id) with the session's reps; reps see every thread and may also post to everyone ('all').
 * A customer's messages go only to the reps, and a customer accepts messages only from reps, in their
 * own thread or to everyone — so no customer ever receives another customer's words, whatever anyone's
 * page does.
 */
export function chatRules(deps: {
  self: Pick<Self, 'participantId' | 'role'>;
  /** Participants in the session now. */
  participants(): readonly Participant[];
  /** Everyone who was ever in the session (threads of customers who left stay readable). */
  everyone(): readonly Participant[];
}) {
  const me = deps.self.participantId;
  const selfIsRep = isRepRole(deps.self.role);
  const roleOf = (id: string) => deps.everyone().find((p) => p.id === id)?.role;
  const others = () => deps.participants().filter((p) => p.id !== me);

  return {
    /** Where this participant writes by default: a customer always in their own thread. */
    ownThread: selfIsRep ? undefined : me,

    /** Who a message in `thread` goes to if sent now. */
    recipients(thread: string): string[] {
      if (!selfIsRep)
        return others()
          .filter((p) => isRepRole(p.role))
          .map((p) => p.id);
      if (thread === 'all') return others().map((p) => p.id);
      return others()
        .filter((p) => isRepRole(p.role) || p.id === thread)
        .map((p) => p.id);
    },

    /** May `from` post in `thread`, as far as this participant is concerned? */
    accepts(from: string, thread: string): boolean {
      const role = roleOf(from);
      if (!selfIsRep) return isRepRole(role) && (thread === me || thread === 'all');
      if (role === 'customer') return thread === from;
      if (!isRepRole(role)) return false;
      return thread === 'all' || roleOf(thread) === 'customer';
    },

    /** What a rep sees in a thread: its messages and the ones to everyone (what that customer sees). */
    inThread(thread: string) {
      return (entry: { thread: string }) => entry.thread === thread || entry.thread === 'all';
    },
  };
}

export type ChatRules = ReturnType<typeof chatRules>;
