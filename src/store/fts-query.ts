/**
 * Turns what a user typed into a safe FTS5 MATCH expression (https://sqlite.org/fts5.html#full_text_query_syntax).
 *
 * Every whitespace-separated word becomes a quoted string (inner `"` doubled), so FTS5 operators (AND, OR, NOT, NEAR),
 * parentheses, `*`, `^`, `:` and column filters in user input are plain text and can never cause a syntax error.
 * Words are ANDed; the last word gets a prefix match (`"wor"*`) so results appear while typing. Words without any
 * letter or digit would tokenize to nothing under unicode61 and are dropped.
 */
const wordy = /[\p{L}\p{N}]/u;

const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;

/**
 * The MATCH expression for the store's FTS5 table (columns body, conv, who), or undefined when the query has no
 * searchable word. The words only ever match the body column; `conversationId` and `sender` add column-filtered
 * phrases that narrow the match inside the index (the caller still checks them exactly).
 */
export function ftsMatchExpression(
  query: string,
  filters: { conversationId?: string; sender?: string } = {},
): string | undefined {
  const body = ftsWords(query);
  if (body === undefined) return undefined;
  let match = `body : (${body})`;
  if (filters.conversationId !== undefined && wordy.test(filters.conversationId)) {
    match += ` AND conv : ${quote(filters.conversationId)}`;
  }
  if (filters.sender !== undefined && wordy.test(filters.sender)) match += ` AND who : ${quote(filters.sender)}`;
  return match;
}

/** The searchable words of a query (NFC, split on whitespace, those with a letter or digit), as ftsWords quotes them. */
export function queryWords(query: string): string[] {
  return query
    .normalize('NFC')
    .split(/\s+/u)
    .filter((w) => wordy.test(w));
}

/** The user's words as ANDed quoted strings, the last one a prefix; undefined when nothing is searchable. */
export function ftsWords(query: string): string | undefined {
  const words = queryWords(query);
  if (words.length === 0) return undefined;
  return words
    .map((w, i) => {
      const quoted = quote(w);
      // A prefix query needs the final token to end in a letter/digit: `"foo."*` would be a prefix of nothing useful.
      return i === words.length - 1 && wordy.test([...w].at(-1) ?? '') ? `${quoted}*` : quoted;
    })
    .join(' ');
}
