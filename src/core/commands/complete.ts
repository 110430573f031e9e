/**
 * Tab completion in the composer, irssi/weechat style: the first Tab replaces the word before the cursor with the
 * first candidate, each further Tab (given back the returned state, with the text and cursor unchanged) replaces it
 * with the next one, wrapping around. Pure data in and out, so it runs anywhere and is easy to test.
 */

/** Which list a completion draws from. */
export type CompletionKind = 'command' | 'conversation' | 'nick';

/** What the next Tab needs to continue cycling; plain data. Pass back the one `complete` returned. */
export interface CompletionState {
  kind: CompletionKind;
  /** The input before the word being completed, and after the cursor, when completion started. */
  before: string;
  after: string;
  candidates: string[];
  index: number;
  /** The text and cursor this state produced: a later call continues the cycle only if they are unchanged. */
  text: string;
  cursor: number;
}

export interface CompletionSources {
  /** Command names, with or without the slash; offered alphabetically. */
  commands: string[];
  /** Nicks in recency order (most recent speaker first); that order is kept. */
  nicks: string[];
  /** Conversation names (`#natter`, `bob`); offered alphabetically. */
  conversations: string[];
}

export interface CompletionResult {
  text: string;
  cursor: number;
  state: CompletionState;
}

/** Commands whose argument is a conversation name. */
const CONVERSATION_COMMANDS = new Set(['/join', '/j', '/part', '/leave', '/query', '/q']);

const alphabetical = (a: string, b: string) => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
};

/**
 * Completes the word before `cursor` (a UTF-16 index into `input`). Returns undefined when nothing matches (or when
 * there is no word to complete for nicks). `backward` steps the cycle the other way (Shift-Tab).
 */
export function complete(
  input: string,
  cursor: number,
  sources: CompletionSources,
  state?: CompletionState,
  backward = false,
): CompletionResult | undefined {
  if (state !== undefined && state.text === input && state.cursor === cursor && state.candidates.length > 0) {
    const n = state.candidates.length;
    const index = (state.index + (backward ? n - 1 : 1)) % n;
    return build({ ...state, index });
  }
  const at = Math.max(0, Math.min(cursor, input.length));
  const wordStart = at - (/\S*$/.exec(input.slice(0, at))?.[0].length ?? 0);
  const word = input.slice(wordStart, at);
  const before = input.slice(0, wordStart);
  const after = input.slice(at);
  const firstWord = /^\S*/.exec(input)?.[0].toLowerCase() ?? '';

  let kind: CompletionKind;
  let candidates: string[];
  if (wordStart === 0 && word.startsWith('/')) {
    kind = 'command';
    const prefix = word.slice(1).toLowerCase();
    candidates = unique(sources.commands.map((c) => c.replace(/^\//, '')))
      .filter((c) => c.toLowerCase().startsWith(prefix))
      .sort(alphabetical)
      .map((c) => `/${c}`);
  } else if (word.startsWith('#') || (wordStart > 0 && CONVERSATION_COMMANDS.has(firstWord))) {
    kind = 'conversation';
    const prefix = word.toLowerCase();
    // "/join nat" finds "#natter": without a sigil of its own, the word may skip the candidate's channel prefix.
    const bare = !/^[#&!+]/.test(word);
    const matches = (c: string) =>
      c.toLowerCase().startsWith(prefix) || (bare && c.replace(/^[#&!+]/, '').toLowerCase().startsWith(prefix));
    candidates = unique(sources.conversations).filter(matches).sort(alphabetical);
  } else {
    if (word === '') return undefined;
    kind = 'nick';
    const prefix = word.toLowerCase();
    candidates = unique(sources.nicks).filter((c) => c.toLowerCase().startsWith(prefix));
  }
  if (candidates.length === 0) return undefined;
  return build({ kind, before, after, candidates, index: 0, text: '', cursor: 0 });
}

function build(state: CompletionState): CompletionResult {
  const candidate = state.candidates[state.index]!;
  // A nick that starts the line is an address ("bob: "), elsewhere it is just a word.
  let suffix = state.kind === 'nick' && state.before === '' ? ': ' : ' ';
  // Do not double the space when the text after the cursor already starts with one; step over it instead.
  let skip = 0;
  if (/^\s/.test(state.after) && suffix.endsWith(' ')) {
    suffix = suffix.slice(0, -1);
    skip = 1;
  }
  const head = state.before + candidate + suffix;
  const text = head + state.after;
  const cursor = head.length + skip;
  return { text, cursor, state: { ...state, text, cursor } };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
