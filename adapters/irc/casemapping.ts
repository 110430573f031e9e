/**
 * IRC case folding per ISUPPORT CASEMAPPING (https://modern.ircdocs.horse/#casemapping-parameter):
 * `ascii` folds A–Z; `rfc1459` also folds []\^ to {}|~ ; `strict-rfc1459` folds []\ but not ^.
 * Unknown mappings fall back to ascii (servers announcing e.g. rfc7613 still fold ASCII letters).
 */
export type CaseMapping = 'ascii' | 'rfc1459' | 'strict-rfc1459';

export function parseCaseMapping(value: string | undefined): CaseMapping {
  const v = (value ?? '').toLowerCase();
  if (v === 'ascii' || v === 'strict-rfc1459') return v;
  if (v === 'rfc1459' || v === '') return 'rfc1459';
  return 'ascii';
}

/** Folds `text` to the lower-case form the server compares nicks and channel names in. */
export function foldCase(text: string, mapping: CaseMapping): string {
  const upper = mapping === 'ascii' ? 0x5a : mapping === 'strict-rfc1459' ? 0x5d : 0x5e;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c >= 0x41 && c <= upper ? String.fromCharCode(c + 0x20) : text[i];
  }
  return out;
}
