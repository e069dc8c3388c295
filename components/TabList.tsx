import type { ComponentChildren } from 'preact';

export interface Tab {
  id: string;
  /** The tab's accessible name. */
  label: string;
  /** Drawn before the label (a state dot). */
  icon?: ComponentChildren;
  /** Unread messages behind this tab; shown when above zero. */
  unread?: number;
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

/** A row of tabs; arrow keys move between them, as in any tab list (one tab stop: the selected one). */
export function TabList({ tabs, selectedId, onSelect, label, idPrefix }: Props) {
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
        return (
          <button
            key={tab.id}
            id={`${idPrefix}-${tab.id}`}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-label={tab.label}
            tabIndex={selected ? 0 : -1}
            onClick={() => onSelect(tab.id)}
            onKeyDown={(ev) => {
              if (ev.key === 'ArrowRight') move(index, 1);
              if (ev.key === 'ArrowLeft') move(index, -1);
            }}
          >
            {tab.icon}
            <span class="tab-label">{tab.label}</span>
            {(tab.unread ?? 0) > 0 && (
              <span class="unread" data-testid="unread" title={tab.unreadLabel}>
                {tab.unread}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
