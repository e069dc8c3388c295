import { deviceProblemOf, type DeviceProblem } from './devices';

/** The page the side panel opens to have the microphone granted (see entrypoints/permissions). */
export const DEVICE_PERMISSION_PAGE = 'permissions.html';

/**
 * Asks for the microphone and the camera at once (one prompt), or the microphone alone where there is no
 * camera; the tracks are stopped at once: only the grant is wanted, and it holds for every page of the
 * extension. Null when the microphone was granted.
 */
export async function requestDevices(nav: Navigator): Promise<DeviceProblem | null> {
  const devices = nav.mediaDevices as MediaDevices | undefined;
  if (!devices?.getUserMedia) return 'unsupported';
  for (const constraints of [{ audio: true, video: true }, { audio: true }]) {
    try {
      const stream = await devices.getUserMedia(constraints);
      stream.getTracks().forEach((t) => t.stop());
      return null;
    } catch (error) {
      const problem = deviceProblemOf(error);
      if (problem !== 'missing' || !constraints.video) return problem;
    }
  }
  return 'missing';
}
