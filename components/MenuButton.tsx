import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
}

interface Props {
  /** The button's text (and accessible name). */
  label: string;
  items: readonly MenuItem[];
  /** Drawn instead of the label with a ▾ (e.g. "⋯" on a tab); the label stays the accessible name. */
  face?: ComponentChildren;
  class?: string;
}

/**
 * A button that opens a short menu, as WAI-ARIA's menu button pattern has it: Enter, Space or ArrowDown
 * opens it on the first item, arrows move, Escape closes and gives focus back, Tab or a click elsewhere
 * closes it.
 */
export function MenuButton({ label, items, face, class: className }: Props) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  /** The menu's items that can take focus, in order. */
  const enabledItems = () => [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not([disabled])') ?? [])];
  const focusItem = (index: number) => {
    const buttons = enabledItems();
    buttons[(index + buttons.length) % buttons.length]?.focus();
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    focusItem(0);
    const outside = (event: Event) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const onMenuKey = (event: KeyboardEvent) => {
    const at = enabledItems().indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'ArrowDown') focusItem(at + 1);
    else if (event.key === 'ArrowUp') focusItem(at - 1);
    else if (event.key === 'Home') focusItem(0);
    else if (event.key === 'End') focusItem(-1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') return setOpen(false);
    else return;
    event.preventDefault();
  };

  return (
    <span class="menu-button">
      <button
        ref={button}
        type="button"
        class={className}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={face ? label : undefined}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {face ?? (
          <>
            {label}
            <span class="caret" aria-hidden="true">
              ▾
            </span>
          </>
        )}
      </button>
      {open && (
        <div ref={menu} class="menu" role="menu" aria-label={label} onKeyDown={onMenuKey}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              disabled={item.disabled}
              onClick={() => {
                close(false);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </span>
  );
}
