/**
 * Checks on text that people type and others read: names reach other people's screens and mail bodies,
 * so they must not carry line breaks, control characters or direction overrides (which can make a name
 * read as something else), and must show at least one visible character.
 */

/** C0/C1 controls (line breaks and tabs included), DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** Marks and embeddings that change the direction text is shown in (Trojan-Source style spoofing). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Characters that draw nothing: spaces, format characters (zero-width joiners, BOM, …), variation
 * selectors and other default-ignorable code points. A name made only of these looks empty.
 */
// eslint-disable-next-line no-misleading-character-class -- each listed code point is matched on its own, on purpose
const INVISIBLE = /[\s\p{Cf}\p{Mn}\p{Me}\u115f\u1160\u3164\uffa0\u2800\ufe00-\ufe0f\u{e0000}-\u{e0fff}]/gu;

export const hasControlCharacters = (text: string) => CONTROL.test(text);
export const hasBidiControls = (text: string) => BIDI.test(text);
export const hasVisibleCharacters = (text: string) => text.replace(INVISIBLE, '').length > 0;

/** UTF-8 size of a string, without allocating it (chat text is bounded in bytes as well as characters). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Characters as a person counts them: one emoji (even a family of four joined by zero-width joiners) or a
 * letter with its accents is one. Limits people see ("345 characters left") count these.
 */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

/** The first `max` characters as a person counts them (a limit that never splits an emoji or an accent). */
export function firstCharacters(text: string, max: number): string {
  let count = 0;
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (count === max) return text.slice(0, index);
    count++;
    end = index + segment.length;
  }
  return text.slice(0, end);
}
