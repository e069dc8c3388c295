/** The toolbar badge shows how many live sessions the rep has; empty when none. */
export function badgeText(liveSessions: number): string {
  if (liveSessions <= 0) return '';
  return liveSessions > 99 ? '99+' : String(liveSessions);
}
