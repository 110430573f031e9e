/**
 * JIDs (RFC 7622) in the simple form natter needs: split into local part, domain and resource, and compare bare JIDs
 * case-insensitively. Local part and domain are case-folded (lower case after NFKC, close to the
 * UsernameCaseMapped profile and IDNA2008 for the common cases); the resource is kept as it is (it is
 * case-sensitive, RFC 7622 §3.4).
 */

export interface Jid {
  local: string;
  domain: string;
  resource: string;
}

/** Splits a JID; undefined when it has no domain or contains characters no JID may hold (spaces, controls). */
export function parseJid(text: string | undefined | null): Jid | undefined {
  if (!text) return undefined;
  const s = text.trim();
  if (!s || s.length > 3071) return undefined;
  // The resource starts at the first '/', and may itself contain '@' and '/' (RFC 7622 §3.1).
  const slash = s.indexOf('/');
  const head = slash === -1 ? s : s.slice(0, slash);
  const resource = slash === -1 ? '' : s.slice(slash + 1);
  const at = head.indexOf('@');
  const local = at === -1 ? '' : head.slice(0, at);
  const domain = (at === -1 ? head : head.slice(at + 1)).replace(/\.$/, '');
  if (!domain || /[\s@/"&'<>:]|\p{Cc}/u.test(domain)) return undefined;
  if (at !== -1 && (!local || /[\s"&'/:<>@]|\p{Cc}/u.test(local))) return undefined;
  if (slash !== -1 && (!resource || /\p{Cc}/u.test(resource))) return undefined;
  return { local: fold(local), domain: fold(domain), resource };
}

function fold(part: string): string {
  return part.normalize('NFKC').toLowerCase();
}

/** `local@domain` (or the domain alone) of a JID. */
export function bareOf(j: Jid): string {
  return j.local ? `${j.local}@${j.domain}` : j.domain;
}

export function fullOf(j: Jid): string {
  return j.resource ? `${bareOf(j)}/${j.resource}` : bareOf(j);
}

/** The bare JID of `text`, folded; undefined when it is not a JID. */
export function bareJid(text: string | undefined | null): string | undefined {
  const j = parseJid(text);
  return j ? bareOf(j) : undefined;
}

/**
 * Normalizes an address for comparison: bare JIDs folded, a resource kept as is. Text that is not a JID comes back
 * trimmed and lower-cased, so comparison stays total.
 */
export function normalizeJid(address: string): string {
  const j = parseJid(address);
  return j ? fullOf(j) : address.trim().toLowerCase();
}
