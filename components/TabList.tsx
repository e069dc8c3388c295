import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

export interface Tab {
  id: string;
  /** The tab's name; its accessible name adds the unread count. */
  label: string;
  /** Drawn before the label (a state dot). */
  icon?: ComponentChildren;
  /** Unread messages behind this tab; shown when above zero. */
  unread?: number;
  /** "3 unread": part of the tab's accessible name while there are any. */
  unreadLabel?: string;
}

interface Props {
  tabs: readonly Tab[];
  selectedId: string | undefined;
  onSelect(id: string): void;
  label: string;
  /** Makes the tabs' element ids unique on the page. */
  idPrefix: string;
}

/**
 * A row of tabs that scrolls sideways rather than wrapping; arrow keys move between them, as in any tab
 * list (one tab stop: the selected one). A tab with unread messages says how many in its name.
 */
export function TabList({ tabs, selectedId, onSelect, label, idPrefix }: Props) {
  // The selected tab is always in view, however far along the row it is.
  useEffect(() => {
    if (selectedId) document.getElementById(`${idPrefix}-${selectedId}`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [selectedId, tabs.length]);
  const move = (from: number, by: number) => {
    const next = tabs[(from + by + tabs.length) % tabs.length];
    if (!next) return;
    onSelect(next.id);
    document.getElementById(`${idPrefix}-${next.id}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, index) => {
        const selected = tab.id === selectedId;
        const unread = (tab.unread ?? 0) > 0;
        return (
          <button
            key={tab.id}
            id={`${idPrefix}-${tab.id}`}
            type="button"
            role="tab"
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            onClick={() => onSelect(tab.id)}
            onKeyDown={(ev) => {
              if (ev.key === 'ArrowRight') move(index, 1);
              if (ev.key === 'ArrowLeft') move(index, -1);
            }}
          >
            {tab.icon}
            {/* Named from its content: the label, then (for screen readers) the unread count in words. */}
            <span class="tab-label ellipsis">
              {tab.label}
              {unread && tab.unreadLabel && <span class="sr-only"> ({tab.unreadLabel})</span>}
            </span>
            {unread && (
              <span class="unread" data-testid="unread" aria-hidden="true">
                {tab.unread}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
