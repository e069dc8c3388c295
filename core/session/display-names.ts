import type { Participant } from '../protocol';

/**
 * Names to show for participants, told apart when two share one: the first to join keeps the plain
 * name, the next ones get "(2)", "(3)"… in order of arrival. A rep choosing whom to help must never
 * see two identical rows (issue 17). Names are compared as people read them: trimmed, case-blind.
 */
export function distinctNames(participants: readonly Participant[]): ReadonlyMap<string, string> {
  const byName = new Map<string, Participant[]>();
  for (const p of participants) {
    const key = p.name.trim().toLocaleLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  const names = new Map<string, string>();
  for (const group of byName.values()) {
    const ordered = [...group].sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id));
    ordered.forEach((p, index) => names.set(p.id, index === 0 ? p.name : `${p.name} (${index + 1})`));
  }
  return names;
}
