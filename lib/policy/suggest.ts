// "Did you mean ...?" for a misspelt flag or policy key: the known name
// closest by edit distance (insertions, deletions, substitutions and swaps of
// two neighbours each cost 1), if it is close enough to be the intended one.

/** Optimal string alignment distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known name `unknown` most likely meant, ignoring case: the only known
 * name it is the start of (3 characters or more), else the closest one within
 * a third of its length (at least 1, at most 3 edits). Undefined when nothing
 * is that close.
 */
export function closest(unknown: string, known: readonly string[]): string | undefined {
  const u = unknown.toLowerCase();
  const prefixed = u.length >= 3 ? known.filter((k) => k.toLowerCase().startsWith(u)) : [];
  if (prefixed.length === 1) return prefixed[0];
  const limit = Math.min(3, Math.max(1, Math.floor(u.length / 3)));
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = editDistance(u, name.toLowerCase());
    if (d <= limit && (best === undefined || d < best.d)) best = { name, d };
  }
  return best?.name;
}
