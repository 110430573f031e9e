/**
 * Splits outgoing bodies so that each IRC line stays within the 512-byte limit (RFC 1459 §2.3; modern.ircdocs.horse
 * "Message format"). Splits on word boundaries where possible and never inside a UTF-8 sequence or a surrogate pair.
 */
const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** Splits one line into chunks of at most `maxBytes` UTF-8 bytes, preferring to break after spaces. */
export function splitUtf8(line: string, maxBytes: number): string[] {
  const limit = Math.max(4, Math.floor(maxBytes));
  if (utf8Length(line) <= limit) return [line];
  const chunks: string[] = [];
  let rest = line;
  while (utf8Length(rest) > limit) {
    // Longest prefix (by code points) that fits.
    let bytes = 0;
    let cut = 0;
    for (const cp of rest) {
      const n = utf8Length(cp);
      if (bytes + n > limit) break;
      bytes += n;
      cut += cp.length;
    }
    if (cut === 0) cut = rest.codePointAt(0)! > 0xffff ? 2 : 1;
    // Prefer the last space inside the fitting prefix (the space itself is dropped: it separates two lines).
    const space = rest.lastIndexOf(' ', cut);
    if (space > 0 && space >= cut / 2) {
      chunks.push(rest.slice(0, space));
      rest = rest.slice(space + 1);
    } else {
      chunks.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** Splits a body into lines (on CR/LF), drops empty lines, and splits each line to fit `maxBytes`. */
export function splitBody(body: string, maxBytes: number): string[] {
  return body
    .split(/\r\n|\r|\n/)
    .filter((l) => l.length > 0)
    .flatMap((l) => splitUtf8(l, maxBytes));
}
