import { t } from '../../core/i18n';
import type { StartShareResult } from '../../core/share/screen-share';
import { deviceProblemOf } from '../../core/media/devices';

/** What to tell someone whose camera did not start; undefined when it did. */
export function cameraMessage(result: StartShareResult, repName: string): string | undefined {
  if (result.ok) return undefined;
  if ('notAllowed' in result) return t('cameraNotYourTurn', { name: repName });
  if (result.cancelled) return t('cameraDenied');
  const problem = deviceProblemOf(new DOMException(result.reason, result.name));
  return problem === 'missing' ? t('cameraMissing') : t('cameraFailed', { reason: result.reason });
}

/** What to tell someone whose screen share did not start; undefined when it did. */
export function screenMessage(result: StartShareResult, repName: string): string | undefined {
  if (result.ok) return undefined;
  if ('notAllowed' in result) return t('shareNotYourTurn', { name: repName });
  return result.cancelled ? t('shareCancelled') : t('shareFailed', { reason: result.reason });
}
