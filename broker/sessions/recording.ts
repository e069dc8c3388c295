import type { RecordingState } from '../../core/protocol';
import { transact } from '../transact';
import type { BrokerContext } from '../context';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController } from './access';

/**
 * Recording (issue 14): the controller's recorder runs in their browser; the broker keeps whether it
 * runs, so every participant (late joiners too) shows the indicator and customers are told before the
 * first frame. The state is the session's last `recording` event: no column, nothing to migrate.
 */

type StopCause = 'stopped' | 'control' | 'transfer' | 'ended';

/** Whether the session is being recorded now, read from its log (inside a transaction: through `t`). */
export async function recordingOf(ctx: BrokerContext, sessionId: string): Promise<RecordingState> {
  const events = await ctx.store.eventsOfType(sessionId, 'recording');
  const last = events.at(-1)?.payload.recording as RecordingState | undefined;
  return last ?? null;
}

/** The controller starts or stops recording. Asking for what already is changes nothing (no event). */
export async function setRecording(
  ctx: BrokerContext,
  caller: Caller,
  sessionId: string,
  recording: boolean,
): Promise<{ recording: RecordingState }> {
  const s = await activeStanding(ctx, caller, sessionId);
  requireController(s);
  const now = ctx.now();
  return transact(ctx, async (t) => {
    const current = await recordingOf(t, sessionId);
    if ((current !== null) === recording) return { recording: current };
    const next: RecordingState = recording ? { since: now, by: s.current.id } : null;
    await t.bus.append(sessionId, 'recording', { recording: next, ...(recording ? {} : { reason: 'stopped' as const }) });
    await t.store.audit({
      at: now,
      actor: actorName(caller),
      action: recording ? 'recording-start' : 'recording-stop',
      sessionId,
      detail: null,
    });
    return { recording: next };
  });
}

/**
 * Inside a commit that takes the controller's place (control passes, a transfer starts, the session
 * ends): a recording running stops, said in the log, so no participant keeps showing it.
 */
export async function stopRecording(ctx: BrokerContext, sessionId: string, reason: StopCause): Promise<void> {
  if ((await recordingOf(ctx, sessionId)) === null) return;
  await ctx.bus.append(sessionId, 'recording', { recording: null, reason });
}
