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

    /**
     * History sync, the holder's side: which of my messages `asker` may have. Only reps ask: a rep's copy
     * (every thread) goes to reps; a customer's copy goes to reps, and only the customer's own thread
     * (never what reps posted to everyone: that is the reps' to give). Customers get nothing.
     */
    copyFor(asker: string): ((entry: { thread: string }) => boolean) | undefined {
      if (!isRepRole(roleOf(asker))) return undefined;
      return selfIsRep ? () => true : (entry) => entry.thread === me;
    },

    /**
     * History sync, the asker's side (reps only): whether to believe `holder`'s copy of a message
     * `author` wrote in `thread`, relayed `via` a customer's copy. 'author' when the holder is a rep (reps
     * see every thread) or a customer giving their own words; 'relayed' for what a customer's copy says
     * a rep wrote in that customer's thread (kept, and shown as the customer's copy); undefined drops it:
     * another customer's thread, a customer's words in a thread not theirs, an author who was never here.
     */
    copyFrom(holder: string, author: string, thread: string, via?: string): 'author' | 'relayed' | undefined {
      const authorRole = roleOf(author);
      if (!selfIsRep || authorRole === undefined) return undefined;
      const holderRole = roleOf(holder);
      const threadFits = authorRole === 'customer' ? thread === author : thread === 'all' || roleOf(thread) === 'customer';
      if (!threadFits) return undefined;
      if (isRepRole(holderRole)) {
        if (via === undefined) return 'author';
        // A rep passing on what it had from a customer's copy: still that copy, and only of its thread.
        return roleOf(via) === 'customer' && thread === via && isRepRole(authorRole) ? 'relayed' : undefined;
      }
      if (holderRole !== 'customer' || thread !== holder || via !== undefined) return undefined;
      return author === holder ? 'author' : isRepRole(authorRole) ? 'relayed' : undefined;
    },

    /** What a rep sees in a thread: its messages and the ones to everyone (what that customer sees). */
    inThread(thread: string) {
      return (entry: { thread: string }) => entry.thread === thread || entry.thread === 'all';
    },
  };
}

export type ChatRules = ReturnType<typeof chatRules>;
