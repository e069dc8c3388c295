/** Shown while a page finds out where it stands (a round trip to the broker at most). */
export function Loading({ centered = false }: { centered?: boolean }) {
  return (
    <p class={centered ? 'muted center' : 'muted'} role="status">
      …
    </p>
  );
}
