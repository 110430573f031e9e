/**
 * Search snippets built in TypeScript from a hit's body, replacing FTS5's snippet() (measured on the 1M-message bench
 * profile: snippet() over the hits' rowid range cost ~11 ms per query, more than half of search(); this costs about
 * 1 ms for 50 hits, as it only tokenizes the bodies already fetched for the hits).
 *
 * The set of hits still comes from FTS5 alone; this module only decides what to highlight and which part of a long
 * body to show, so an approximation here can never lose or add a hit. It mirrors the index's tokenizer
 * (https://sqlite.org/fts5.html#unicode61_tokenizer, `unicode61 remove_diacritics 2`) closely enough for real text:
 * - tokens are runs of letters, digits and private-use characters (unicode61's default categories "L* N* Co"), plus
 *   the Latin combining diacritics it keeps inside a token and then drops, plus the newer emoji its tables treat as
 *   letters (see tokenRun); everything else separates;
 * - case is folded per code point, and diacritics are removed from Latin letters only (NFD, marks dropped), so
 *   "CAFÉ" highlights "cafe" but Greek "καλημερα" does not highlight "καλημέρα" (exactly as the index matches);
 * - every query word is a phrase of its tokens ("foo:bar" is the phrase foo bar), the last word's last token a prefix.
 * Remaining differences from SQLite's own tables (code points unassigned in both, a letter folded differently) only
 * change highlighting; a body where no query phrase is found gets the window from its start without markers.
 * Measured: identical to snippet() for 4,800 hits of 16 queries on the 1M-message bench profile.
 *
 * The window is chosen like snippet(…, 32) in sqlite/ext/fts5/fts5_aux.c: score each candidate start (1000 per
 * distinct phrase inside the 32 tokens, 1 per repeat), try a window centred on each instance and one at the start of
 * the sentence holding it (+100, +120 at the body's start), keep the first best; '…' marks a cut at either end.
 */
import { queryWords } from './fts-query.js';

/** Start and end markers of a highlighted match (the SearchHit.snippet contract in src/core/model.ts). */
export const MATCH_OPEN = '\u0002';
export const MATCH_CLOSE = '\u0003';
const ELLIPSIS = '…';
/** Tokens shown around the match, as the former snippet(messages_fts, 0, …, 32). */
export const SNIPPET_TOKENS = 32;

interface Token {
  start: number;
  end: number;
  text: string;
}

/** A query word as the index sees it: its folded tokens, the last one matched as a prefix when `prefix`. */
export interface SnippetPhrase {
  tokens: string[];
  prefix: boolean;
}

/**
 * Token characters, measured against this SQLite's unicode61 (every code point up to U+2FFFF tokenized once): letters,
 * digits and private use; of the combining marks only the Latin diacritics it removes (the others separate, even
 * Devanagari vowel signs); and the symbol/emoji code points its older Unicode tables do not know (🙂, 🤔, 🚀 …), which
 * unicode61 treats as letters, so "🙂emoji🙂" is one token there and here.
 */
const newerSymbols = '\\u{1F02C}-\\u{1F02F}\\u{1F094}-\\u{1F09F}\\u{1F0AF}-\\u{1F0B0}\\u{1F0BF}-\\u{1F0C0}\\u{1F0D0}\\u{1F0E0}-\\u{1F0FF}\\u{1F10D}-\\u{1F10F}\\u{1F12F}\\u{1F16C}-\\u{1F16F}\\u{1F19B}-\\u{1F1E5}\\u{1F203}-\\u{1F20F}\\u{1F23B}-\\u{1F23F}\\u{1F249}-\\u{1F24F}\\u{1F252}-\\u{1F2FF}\\u{1F321}-\\u{1F32F}\\u{1F336}\\u{1F37D}-\\u{1F37F}\\u{1F394}-\\u{1F39F}\\u{1F3C5}\\u{1F3CB}-\\u{1F3DF}\\u{1F3F1}-\\u{1F3FF}\\u{1F43F}\\u{1F441}\\u{1F4F8}\\u{1F4FD}-\\u{1F4FF}\\u{1F53E}-\\u{1F53F}\\u{1F544}-\\u{1F54F}\\u{1F568}-\\u{1F5FA}\\u{1F641}-\\u{1F644}\\u{1F650}-\\u{1F67F}\\u{1F6C6}-\\u{1F6FF}\\u{1F774}-\\u{1FBEF}';
const tokenRun = new RegExp(
  `[\\p{L}\\p{N}\\p{Co}\\u0300-\\u0304\\u0306-\\u030C\\u030F\\u0311\\u031B\\u0323-\\u0328\\u032D\\u032E\\u0330\\u0331${newerSymbols}]+`,
  'gu',
);
/** Printable ASCII and the usual whitespace: lower-cased directly, no per-code-point work. */
const ascii = /^[\t\n\r -~]*$/;
const mark = /\p{M}/u;
const marks = /\p{M}/gu;
const latin = /\p{Script=Latin}/u;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(tokenRun)) {
    const start = m.index;
    out.push({ start, end: start + m[0].length, text: m[0] });
  }
  return out;
}

/** unicode61's folding of one token: lower case per code point; Latin letters lose their diacritics. */
export function foldToken(token: string): string {
  if (ascii.test(token)) return token.toLowerCase();
  let out = '';
  let afterLatin = false;
  for (const c of token) {
    if (mark.test(c)) {
      // A combining mark after a Latin letter is a diacritic of it (decomposed text): dropped like the composed form.
      if (!afterLatin) out += c;
      continue;
    }
    const lower = c.toLowerCase();
    afterLatin = latin.test(c);
    out += afterLatin ? lower.normalize('NFD').replace(marks, '') : lower;
  }
  return out;
}

/**
 * The phrases a query searches for, folded like the index; the same words as ftsMatchExpression uses, so the snippet
 * highlights what made the row match. Empty when the query has no searchable word.
 */
export function snippetPhrases(query: string): SnippetPhrase[] {
  const words = queryWords(query);
  const phrases: SnippetPhrase[] = [];
  words.forEach((w, i) => {
    const tokens = tokenize(w).map((t) => foldToken(t.text)).filter((t) => t !== '');
    if (tokens.length === 0) return;
    // Same rule as ftsWords: only the last word is a prefix, and only when it ends in a letter or digit.
    const prefix = i === words.length - 1 && /[\p{L}\p{N}]/u.test([...w].at(-1) ?? '');
    phrases.push({ tokens, prefix });
  });
  return phrases;
}

interface Instance {
  pos: number;
  phrase: number;
  size: number;
}

function findInstances(folded: string[], phrases: SnippetPhrase[]): Instance[] {
  const out: Instance[] = [];
  for (let pos = 0; pos < folded.length; pos++) {
    phrases.forEach((p, phrase) => {
      const n = p.tokens.length;
      if (pos + n > folded.length) return;
      for (let k = 0; k < n; k++) {
        const want = p.tokens[k] as string;
        const have = folded[pos + k] as string;
        const ok = p.prefix && k === n - 1 ? have.startsWith(want) : have === want;
        if (!ok) return;
      }
      out.push({ pos, phrase, size: n });
    });
  }
  return out;
}

/** fts5SnippetScore: the score of a window starting at `from`, and the start that centres its hits. */
function score(instances: Instance[], from: number, docSize: number): { score: number; centred: number } {
  const seen = new Set<number>();
  let total = 0;
  let first = -1;
  let last = 0;
  for (const inst of instances) {
    if (inst.pos < from || inst.pos >= from + SNIPPET_TOKENS) continue;
    total += seen.has(inst.phrase) ? 1 : 1000;
    seen.add(inst.phrase);
    if (first < 0) first = inst.pos;
    last = inst.pos + inst.size;
  }
  let centred = first - Math.trunc((SNIPPET_TOKENS - (last - first)) / 2);
  if (centred + SNIPPET_TOKENS > docSize) centred = docSize - SNIPPET_TOKENS;
  if (centred < 0) centred = 0;
  return { score: total, centred };
}

/** Token indexes that start a sentence (fts5SentenceFinderCb): the first, and any after '.' or ':' plus whitespace. */
function sentenceStarts(body: string, tokens: Token[]): number[] {
  const starts = [0];
  for (let i = 1; i < tokens.length; i++) {
    let j = (tokens[i] as Token).start - 1;
    while (j >= 0 && ' \t\n\r'.includes(body[j] as string)) j--;
    if (j !== (tokens[i] as Token).start - 1 && (body[j] === '.' || body[j] === ':')) starts.push(i);
  }
  return starts;
}

function bestStart(body: string, tokens: Token[], instances: Instance[]): number {
  const docSize = tokens.length;
  if (docSize <= SNIPPET_TOKENS) return 0;
  const sentences = sentenceStarts(body, tokens);
  let best = 0;
  let start = 0;
  for (const inst of instances) {
    const c = score(instances, inst.pos, docSize);
    if (c.score > best) {
      best = c.score;
      start = c.centred;
    }
    let jj = 0;
    while (jj < sentences.length - 1 && (sentences[jj + 1] as number) <= inst.pos) jj++;
    const sentence = sentences[jj] as number;
    if (sentence < inst.pos) {
      const s = score(instances, sentence, docSize).score + (sentence === 0 ? 120 : 100);
      if (s > best) {
        best = s;
        start = sentence;
      }
    }
  }
  return start;
}

/**
 * The snippet of `body` for `phrases` (from snippetPhrases): matches wrapped in U+0002 … U+0003, at most
 * SNIPPET_TOKENS tokens, with '…' where the body was cut. A body of up to SNIPPET_TOKENS tokens is returned whole.
 */
export function buildSnippet(body: string, phrases: SnippetPhrase[]): string {
  const tokens = tokenize(body);
  if (tokens.length === 0) return body;
  const instances = phrases.length === 0 ? [] : findInstances(tokens.map((t) => foldToken(t.text)), phrases);
  const start = bestStart(body, tokens, instances);
  const end = Math.min(start + SNIPPET_TOKENS, tokens.length) - 1; // last token shown
  const cutStart = start > 0;
  const cutEnd = end < tokens.length - 1;
  // Coalesce overlapping instances (fts5CInstIter) into highlighted token ranges inside the window.
  const ranges: Array<[number, number]> = [];
  for (const inst of instances) {
    if (inst.pos < start || inst.pos > end) continue;
    const last = Math.min(inst.pos + inst.size - 1, end);
    const prev = ranges.at(-1);
    if (prev !== undefined && inst.pos <= prev[1]) prev[1] = Math.max(prev[1], last);
    else ranges.push([inst.pos, last]);
  }
  let out = cutStart ? ELLIPSIS : '';
  let offset = cutStart ? (tokens[start] as Token).start : 0;
  for (const [a, b] of ranges) {
    const from = (tokens[a] as Token).start;
    const to = (tokens[b] as Token).end;
    out += body.slice(offset, from) + MATCH_OPEN + body.slice(from, to) + MATCH_CLOSE;
    offset = to;
  }
  out += cutEnd ? body.slice(offset, (tokens[end] as Token).end) + ELLIPSIS : body.slice(offset);
  return out;
}
