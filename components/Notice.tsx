import type { ComponentChildren } from 'preact';

/** A full-width message for an end state or an error: a heading, a line of help and an optional action. */
export function Notice({ title, detail, children }: { title: string; detail?: string; children?: ComponentChildren }) {
  return (
    <section class="center stack" role="status">
      <h1>{title}</h1>
      {detail && <p class="muted">{detail}</p>}
      {children}
    </section>
  );
}
