/**
 * Fuzzy matching for the Ctrl-K conversation switcher: the query's characters must appear in order in the candidate
 * (a case-insensitive subsequence). Matches at word starts, runs of consecutive characters and a match at the very
 * beginning score higher; skipped characters cost a little, so "nd" ranks "#natter-dev" above "#random".
 */

const MATCH = 1;
/** Extra for a character at the start of a word: index 0, after a non-alphanumeric, or a camelCase hump. */
const WORD_START = 8;
/** Extra for the candidate's first character. */
const PREFIX = 4;
/** Extra for a character right after the previous match. */
const CONSECUTIVE = 5;
/** Cost per skipped character between two matches. */
const GAP = 0.5;
/** Cost per character skipped before the first match (capped), so earlier matches win. */
const LEADING = 0.2;
const LEADING_CAP = 2;
/** Cost per candidate character, so that on otherwise equal matches the shorter candidate wins. */
const LENGTH = 0.01;

const isAlnum = (ch: string) => /[\p{L}\p{N}]/u.test(ch);
const isUpper = (ch: string) => ch !== ch.toLowerCase() && ch === ch.toUpperCase();

/**
 * How well `query` matches `candidate`: higher is better; undefined when the query's characters do not all occur in
 * order. Whitespace in the query is ignored. An empty query matches everything with score 0.
 */
export function fuzzyScore(query: string, candidate: string): number | undefined {
  const q = Array.from(query.replace(/\s+/g, '')).map((ch) => ch.toLowerCase());
  if (q.length === 0) return 0;
  const chars = Array.from(candidate);
  const lower = chars.map((ch) => ch.toLowerCase());
  const n = chars.length;
  if (q.length > n) return undefined;

  const bonus = chars.map((ch, j) => {
    let b = MATCH;
    const prev = j > 0 ? chars[j - 1]! : undefined;
    if (prev === undefined || !isAlnum(prev) || (isUpper(ch) && !isUpper(prev) && isAlnum(prev))) {
      if (isAlnum(ch) || prev === undefined) b += WORD_START;
    }
    if (j === 0) b += PREFIX;
    return b;
  });

  // best[j]: the best score with the current query character matched at candidate position j (-Infinity: impossible).
  // Dynamic programming over query characters; a running maximum keeps each row O(n) since the gap cost is linear.
  let best: number[] = lower.map((ch, j) => (ch === q[0] ? bonus[j]! - Math.min(j * LEADING, LEADING_CAP) : -Infinity));
  for (let i = 1; i < q.length; i++) {
    const next: number[] = new Array<number>(n).fill(-Infinity);
    // runMax = max over k <= j-2 of best[k] + GAP * k (score if we jump from k to j, before subtracting GAP*(j-1)).
    let runMax = -Infinity;
    for (let j = i; j < n; j++) {
      if (j >= 2) runMax = Math.max(runMax, best[j - 2]! + GAP * (j - 2));
      if (lower[j] !== q[i]) continue;
      const adjacent = best[j - 1]! + CONSECUTIVE;
      const jump = runMax - GAP * (j - 1);
      const from = Math.max(adjacent, jump);
      if (from !== -Infinity) next[j] = from + bonus[j]!;
    }
    best = next;
  }
  const top = Math.max(...best);
  return top === -Infinity ? undefined : top - n * LENGTH;
}

/**
 * The items whose text matches `query`, best first; equal scores keep the input order. An empty query returns the
 * items in their order. `limit` caps the result.
 */
export function fuzzyFilter<T>(query: string, items: T[], text: (item: T) => string, limit?: number): T[] {
  const scored: { item: T; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    const score = fuzzyScore(query, text(item));
    if (score !== undefined) scored.push({ item, score, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const out = scored.map((s) => s.item);
  return limit === undefined ? out : out.slice(0, Math.max(0, limit));
}
