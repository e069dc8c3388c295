import { effect, type ReadonlySignal } from '@preact/signals-core';
import type { CallKind, MeshMessage } from '../protocol';
import type { BinaryLink, MediaLink } from '../mesh/transport';

/**
 * Why every running activity stopped: the controller turned to another customer, control passed to
 * another rep, or the session is being transferred to WebACD agents. Each participant is told the reason in its own words.
 */
export type StopReason =
  | { kind: 'active-customer'; activeCustomerId: string | null }
  | { kind: 'control'; from: string; to: string }
  | { kind: 'transfer' };

export type MeshMessageType = MeshMessage['type'];

/**
 * Something participants do together in a session — screen sharing today; files, video and recording
 * later — plugged into the session runtime. It names the data-channel message types and media call kinds
 * it owns (the runtime routes them here and nowhere else) and stops when asked, whatever it is doing.
 */
export interface Activity {
  readonly name: string;
  readonly messageTypes: readonly MeshMessageType[];
  readonly callKinds: readonly CallKind[];
  /** Binary channel kinds it owns (a channel's label is `<kind>:<id>`), e.g. 'file'. */
  readonly channelKinds?: readonly string[];
  /** Something is going on that a stop would end (for "stopped because…" notices). */
  readonly running: ReadonlySignal<boolean>;
  /** Whether `stopAll` ends it. The conversation goes on when control passes; voice will too. */
  readonly survivesStops?: boolean;
  receive?(from: string, message: MeshMessage): void;
  incomingCall?(from: string, call: MediaLink): void;
  incomingChannel?(from: string, link: BinaryLink): void;
  linkOpened?(participantId: string): void;
  participantGone?(participantId: string): void;
  /** Who may do what changed (active customer, roles): take up or drop what the new rights allow. */
  rightsChanged?(): void;
  stop(reason: StopReason): void;
  dispose(): void;
}

/**
 * The session's activities. Every message type and call kind belongs to exactly one activity
 * (registering a second owner is a programming error, caught at start). Messages and calls nobody owns
 * are dropped and counted; an unowned call is closed.
 */
export function createActivityRegistry(options: { recentMs?: number; now?: () => number } = {}) {
  const recentMs = options.recentMs ?? 3_000;
  const now = options.now ?? Date.now;
  const activities: Activity[] = [];
  /**
   * When each activity last went from running to not: a stop that reached the other side's data link
   * before the broker's event reached this one (the sharer obeyed first) is still told with its reason.
   */
  const endedAt = new Map<Activity, number>();
  const watches: (() => void)[] = [];
  const byMessageType = new Map<string, Activity>();
  const byCallKind = new Map<string, Activity>();
  const byChannelKind = new Map<string, Activity>();
  let unrouted = 0;

  function claim(owners: Map<string, Activity>, keys: readonly string[], activity: Activity, what: string): void {
    for (const key of keys) {
      const owner = owners.get(key);
      if (owner) throw new Error(`${what} '${key}' belongs to ${owner.name} already; ${activity.name} cannot claim it`);
    }
    for (const key of keys) owners.set(key, activity);
  }

  const each = (fn: (activity: Activity) => void) => activities.forEach(fn);

  return {
    register<A extends Activity>(activity: A): A {
      claim(byMessageType, activity.messageTypes, activity, 'Message type');
      claim(byCallKind, activity.callKinds, activity, 'Call kind');
      claim(byChannelKind, activity.channelKinds ?? [], activity, 'Channel kind');
      activities.push(activity);
      let was = activity.running.peek();
      watches.push(
        effect(() => {
          const running = activity.running.value;
          if (was && !running) endedAt.set(activity, now());
          was = running;
        }),
      );
      return activity;
    },
    get activities(): readonly Activity[] {
      return activities;
    },
    /** Hands a message to its owner; false when nobody owns its type. */
    receive(from: string, message: MeshMessage): boolean {
      const owner = byMessageType.get(message.type);
      if (!owner?.receive) return (void unrouted++, false);
      owner.receive(from, message);
      return true;
    },
    /** Hands a call to the activity owning its kind (the mesh read it from the metadata); closes it when nobody does. */
    incomingCall(from: string, call: MediaLink, kind: CallKind): void {
      const owner = byCallKind.get(kind);
      if (!owner?.incomingCall) {
        unrouted++;
        return call.close();
      }
      owner.incomingCall(from, call);
    },
    /** Hands a binary channel to the activity owning its label's kind; closes it when nobody does. */
    incomingChannel(from: string, link: BinaryLink): void {
      const owner = byChannelKind.get(link.label.split(':')[0] ?? '');
      if (!owner?.incomingChannel) {
        unrouted++;
        return link.close();
      }
      owner.incomingChannel(from, link);
    },
    linkOpened: (participantId: string) => each((a) => a.linkOpened?.(participantId)),
    participantGone: (participantId: string) => each((a) => a.participantGone?.(participantId)),
    rightsChanged: () => each((a) => a.rightsChanged?.()),
    /** Is anything running that a stop would end? (Reads signals: call it inside a computed or effect.) */
    anyRunning: () => activities.some((a) => !a.survivesStops && a.running.value),
    /**
     * Stops every activity that stops (all but the conversation and voice); names those that were running,
     * or ended a moment ago (their sender stopped for this same reason and said so first).
     */
    stopAll(reason: StopReason): string[] {
      const stopped: string[] = [];
      for (const activity of activities) {
        if (activity.survivesStops) continue;
        const recent = now() - (endedAt.get(activity) ?? -Infinity) <= recentMs;
        if (activity.running.value || recent) stopped.push(activity.name);
        activity.stop(reason);
        endedAt.delete(activity);
      }
      return stopped;
    },
    /** Messages, calls and channels that no activity owns. */
    get unroutedCount() {
      return unrouted;
    },
    dispose: () => {
      watches.forEach((stop) => stop());
      each((a) => a.dispose());
    },
  };
}

export type ActivityRegistry = ReturnType<typeof createActivityRegistry>;
