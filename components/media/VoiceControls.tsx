import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../core/i18n';
import type { DeviceProblem } from '../../core/media/devices';
import type { SessionRuntime } from '../../core/session/runtime';
import { RemoteAudio } from './RemoteAudio';
import './media.css';

const problemText: Record<DeviceProblem, MessageKey> = {
  denied: 'micDenied',
  missing: 'micMissing',
  unsupported: 'micUnsupported',
  failed: 'micFailed',
};

interface Props {
  runtime: SessionRuntime;
  /** The customer's page asks "Join voice?" when others talk; a rep's panel offers Join voice. */
  ask?: boolean;
  /**
   * The side panel cannot prompt for the microphone: when it is denied there, this extension page (in a
   * new tab) asks once for the whole extension.
   */
  permissionPage?: string;
}

/**
 * The session's voice: start or join it, mute, leave, the volume, who is in it and who is speaking; the
 * controller may mute someone. Listening only (no microphone) is said in plain words.
 */
export function VoiceControls({ runtime, ask, permissionPage }: Props) {
  const { voice, nameOf } = runtime;
  const [declined, setDeclined] = useState(false);
  const status = voice.status.value;
  const members = [...voice.members.value];
  const speaking = voice.speaking.value;
  const selfId = runtime.self.participantId;
  const { isController } = runtime.permissions.value;
  const problem = voice.problem.value;
  const mutedBy = voice.mutedBy.value;

  if (status === 'off') {
    if (ask && voice.invited.value && !declined) {
      return (
        <section class="card stack" role="region" aria-label={t('joinVoiceQuestion')}>
          <h2>{t('joinVoiceQuestion')}</h2>
          <p>{t('joinVoiceDetail', { names: members.map(([id]) => nameOf(id)).join(', ') })}</p>
          <div class="row">
            <button type="button" class="primary" onClick={() => void voice.join()}>
              {t('join')}
            </button>
            <button type="button" onClick={() => setDeclined(true)}>
              {t('notNow')}
            </button>
          </div>
        </section>
      );
    }
    return (
      <section class="row" aria-label={t('voice')}>
        <button type="button" onClick={() => void voice.join()}>
          {t(voice.invited.value ? 'joinVoice' : 'startVoice')}
        </button>
      </section>
    );
  }

  const mine = voice.muted.value;
  return (
    <section class="card stack" aria-label={t('voice')}>
      <h3>{t('voice')}</h3>
      {status === 'joining' && <p role="status">{t('joiningVoice')}</p>}
      {problem && (
        <p class="status" role="alert">
          {problem === 'denied' && permissionPage ? t('micDeniedPanel') : t(problemText[problem])}
        </p>
      )}
      {problem === 'denied' && permissionPage && (
        <a href={permissionPage} target="_blank" rel="noopener">
          {t('allowMicrophone')}
        </a>
      )}
      {mutedBy && (
        <p class="status" role="status">
          {t('mutedBy', { name: nameOf(mutedBy) })}
        </p>
      )}
      <ul class="voice-members" aria-label={t('inVoice')}>
        {status === 'on' && (
          <li>
            <span class={`speaking-dot${speaking.has(selfId) ? ' on' : ''}`} aria-hidden="true" />
            <span>
              {runtime.self.name} {t('you')}
            </span>
            <span class="muted">
              {voiceState(problem !== null ? 'listening' : mine ? 'mutedState' : undefined, speaking.has(selfId))}
            </span>
          </li>
        )}
        {members.map(([participantId, member]) => (
          <li key={participantId}>
            <span class={`speaking-dot${speaking.has(participantId) ? ' on' : ''}`} aria-hidden="true" />
            <span>{nameOf(participantId)}</span>
            <span class="muted">{voiceState(member.muted ? 'mutedState' : undefined, speaking.has(participantId))}</span>
            {isController && !member.muted && (
              <button
                type="button"
                class="link-button"
                aria-label={t('muteNamed', { name: nameOf(participantId) })}
                onClick={() => voice.muteParticipant(participantId)}
              >
                {t('mute')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <div class="row">
        {problem === null && (
          <button type="button" onClick={() => voice.setMuted(!mine)} disabled={status !== 'on'}>
            {t(mine ? 'unmute' : 'mute')}
          </button>
        )}
        <button type="button" class="danger" onClick={voice.leave}>
          {t('leaveVoice')}
        </button>
      </div>
      <label class="volume">
        {t('volume')}
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={voice.volume.value}
          onInput={(e) => voice.setVolume(Number(e.currentTarget.value))}
        />
      </label>
      {[...voice.streams.value].map(([participantId, stream]) => (
        <RemoteAudio key={participantId} stream={stream} volume={voice.volume.value} />
      ))}
    </section>
  );
}

/** "muted", "listening", "speaking", or nothing; read beside the name (the dot is only decoration). */
function voiceState(state: MessageKey | undefined, speaking: boolean): string {
  if (state) return t(state);
  return speaking ? t('speaking') : '';
}
