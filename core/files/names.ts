/**
 * A file name as offered by a peer, made safe to show and to save: no folders, no control or
 * bidirectional-override characters, none of the characters file systems refuse, no Windows device
 * names, no leading dots or trailing dots and spaces, at most 200 characters. Never empty.
 */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"/\\|?*]/g;
const MAX = 200;

export function sanitizeFileName(raw: string): string {
  // The last path segment only: "../../etc/passwd" and "C:\\x\\y.txt" keep their file name.
  const base = raw.split(/[/\\]/).pop() ?? '';
  let name = base
    .replace(UNSAFE, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (RESERVED.test(name)) name = `_${name}`;
  if (name.length > MAX) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, MAX - ext.length) + ext;
  }
  return name || 'file';
}
