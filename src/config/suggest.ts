/** "Did you mean" suggestions for misspelt keys and values. */

/** Optimal string alignment distance: Levenshtein plus transposition of two adjacent characters (`prot` → `port`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `input` (case-insensitively), when it is close enough to be a plausible typo: at most one
 * edit for short words, up to three for long ones, or one is the start of the other ("warning" → "warn").
 * Undefined otherwise.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const distance = editDistance(input.toLowerCase(), c.toLowerCase());
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  if (bestDistance <= limit && bestDistance < input.length) return best;
  // A longer or shorter form of a candidate: "warning" for "warn", "chan" for "channels".
  const lower = input.toLowerCase();
  return candidates.find((c) => {
    const lc = c.toLowerCase();
    return Math.min(lc.length, lower.length) >= 3 && (lower.startsWith(lc) || lc.startsWith(lower));
  });
}
