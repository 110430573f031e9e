/** Email addresses as natter compares them, and the header forms it writes. */

/**
 * Case-folds an address for comparison. The local part is case-sensitive by RFC 5321 §2.4, but every mail system in
 * use (and Delta Chat) treats it case-insensitively, so natter folds the whole address.
 */
export function normalizeAddress(address: string): string {
  return address.trim().replace(/^<|>$/g, '').toLowerCase();
}

/** A Message-ID without angle brackets and surrounding space (Delta Chat's rfc724_mid form). */
export function bareMessageId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const m = /<([^<>\s]+)>/.exec(id);
  const v = (m ? m[1] : id.trim()) ?? '';
  return v.length > 0 ? v : undefined;
}

/** All Message-IDs in a References/In-Reply-To value (or a list of them), bare. */
export function messageIds(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const out: string[] = [];
  for (const m of text.matchAll(/<([^<>\s]+)>/g)) if (m[1]) out.push(m[1]);
  if (out.length === 0) for (const t of text.split(/\s+/)) if (t) out.push(t);
  return out;
}
