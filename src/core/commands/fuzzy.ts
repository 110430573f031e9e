/**
 * Fuzzy matching for the Ctrl-K conversation switcher: the query's characters must appear in order in the candidate
 * (a case-insensitive subsequence). The scoring follows fzf's: every matched character scores, characters at word
 * starts score extra (twice for the query's first character), a run of consecutive matches keeps the bonus of the
 * word start it began at, and gaps cost (more to open than to extend). So "nd" ranks "#natter-dev" above "#random",
 * and "dev" ranks "#dev" above "#d-e-v".
 */

const MATCH = 16;
/** Extra for a character at the start of a word: the first character, or a letter/digit after anything else. */
const WORD_START = 8;
/** Extra for a camelCase hump (an upper-case letter after a lower-case one). */
const CAMEL = 7;
/** Least extra for a character right after the previous match. */
const CONSECUTIVE = 4;
/** The query's first character counts its word-start bonus this many times. */
const FIRST_MULTIPLIER = 2;
/** Cost of the first skipped character between two matches, and of each further one. */
const GAP_START = 3;
const GAP_EXTEND = 1;
/** Cost per character skipped before the first match (capped), so that earlier matches win ties. */
const LEADING = 0.5;
const LEADING_CAP = 3;
/** Cost per candidate character, so that on otherwise equal matches the shorter candidate wins. */
const LENGTH = 0.01;

// ASCII fast paths: the switcher scores every conversation on every keystroke.
const isAlnum = (ch: string) => {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return /[\p{L}\p{N}]/u.test(ch);
};
const isLowerLetter = (ch: string) => {
  const c = ch.charCodeAt(0);
  return c < 0x80 ? c >= 0x61 && c <= 0x7a : /\p{Ll}/u.test(ch);
};
const isUpperLetter = (ch: string) => {
  const c = ch.charCodeAt(0);
  return c < 0x80 ? c >= 0x41 && c <= 0x5a : /\p{Lu}/u.test(ch);
};

/** Word-start bonus of each character of the candidate. */
function boundaries(chars: string[]): number[] {
  return chars.map((ch, j) => {
    if (j === 0) return WORD_START;
    const prev = chars[j - 1]!;
    if (!isAlnum(ch)) return 0;
    if (!isAlnum(prev)) return WORD_START;
    if (isUpperLetter(ch) && isLowerLetter(prev)) return CAMEL;
    return 0;
  });
}

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
  // Cheap rejection first: most candidates do not contain the query as a subsequence at all.
  let matched = 0;
  for (let j = 0; j < n && matched < q.length; j++) if (lower[j] === q[matched]) matched++;
  if (matched < q.length) return undefined;
  const bonus = boundaries(chars);

  // Dynamic programming over query characters. score[j]: the best score with the current query character matched at
  // candidate position j (-Infinity: impossible); chunk[j]: the word-start bonus of the consecutive run that match
  // ends, which the run's later characters inherit. The gap cost is affine, so a running maximum keeps a row O(n).
  let score: number[] = lower.map((ch, j) =>
    ch === q[0] ? MATCH + bonus[j]! * FIRST_MULTIPLIER - Math.min(j * LEADING, LEADING_CAP) : -Infinity,
  );
  let chunk: number[] = [...bonus];
  for (let i = 1; i < q.length; i++) {
    const nextScore = new Array<number>(n).fill(-Infinity);
    const nextChunk = new Array<number>(n).fill(0);
    // runMax = max over k <= j-2 of score[k] + GAP_EXTEND * k.
    let runMax = -Infinity;
    for (let j = i; j < n; j++) {
      if (j >= 2) runMax = Math.max(runMax, score[j - 2]! + GAP_EXTEND * (j - 2));
      if (lower[j] !== q[i]) continue;
      const inherited = Math.max(bonus[j]!, chunk[j - 1]!, CONSECUTIVE);
      const adjacent = score[j - 1]! + MATCH + inherited;
      const jump = runMax - GAP_EXTEND * (j - 1) - (GAP_START - GAP_EXTEND) + MATCH + bonus[j]!;
      if (adjacent === -Infinity && jump === -Infinity) continue;
      if (adjacent >= jump) {
        nextScore[j] = adjacent;
        nextChunk[j] = Math.max(chunk[j - 1]!, bonus[j]!);
      } else {
        nextScore[j] = jump;
        nextChunk[j] = bonus[j]!;
      }
    }
    score = nextScore;
    chunk = nextChunk;
  }
  let top = -Infinity;
  for (const s of score) if (s > top) top = s;
  return top === -Infinity ? undefined : top - n * LENGTH;
}

/**
 * The items whose text matches `query`, best first; equal scores keep the input order. An empty query returns all
 * items in their order. `limit` caps the result (after ranking).
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
