import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/** A modal window (native <dialog>: focus is trapped and Escape closes it), named by its heading. */
export function Modal({ title, onClose, children }: { title: string; onClose(): void; children: ComponentChildren }) {
  const dialog = useRef<HTMLDialogElement>(null);
  // Before paint, so the dialog is never there but not yet modal (keys would still reach the page behind).
  useLayoutEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    // Escape is handled here: Chrome's close-watcher rules sometimes skip the cancel event, or the
    // closing itself, when the page has had no fresh user activation. 'close' catches any other way out.
    <dialog
      ref={dialog}
      aria-label={title}
      onClose={onClose}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onClose();
      }}
    >
      <div class="stack">
        <h2>{title}</h2>
        {children}
      </div>
    </dialog>
  );
}
