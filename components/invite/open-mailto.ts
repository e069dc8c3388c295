/**
 * Hands a mailto: URL to the system's mail program. A link click, not navigation: the page (the side
 * panel, the popup) stays where it is.
 */
export function openMailto(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.rel = 'noopener';
  link.click();
}
