/**
 * Finds where a key path (as zod reports it, e.g. `['accounts', 1, 'port']`) is written in a TOML document, so that
 * schema errors can name a line. smol-toml gives lines for syntax errors only; its parse result has no positions.
 *
 * This is a structure-only scanner for documents that already parsed: it follows table headers (`[ui]`), arrays of
 * tables (`[[accounts]]`, counted per parent to get the index, TOML 1.0 §Array of Tables), dotted and quoted keys, and
 * skips values (strings of all four kinds, multi-line arrays, inline tables) while recording the line of every array
 * element and inline-table key it passes. It never throws: on anything unexpected it moves to the next line.
 */

/** A key path: table/key names and array indices, outermost first. */
export type KeyPath = ReadonlyArray<string | number>;

const id = (path: KeyPath): string => JSON.stringify(path);

class Scanner {
  p = 0;
  line = 1;
  readonly lines = new Map<string, number>();
  /** Current index of each array of tables, by resolved path. */
  private readonly arrays = new Map<string, number>();

  constructor(private readonly s: string) {}

  run(): Map<string, number> {
    let table: Array<string | number> = [];
    while (this.p < this.s.length) {
      const before = this.p;
      this.skipBlank(true);
      if (this.p >= this.s.length) break;
      const c = this.s[this.p];
      if (c === '[') {
        const resolved = this.header();
        if (resolved) table = resolved;
      } else {
        const key = this.key();
        this.skipBlank(false);
        if (key.length > 0 && this.s[this.p] === '=') {
          this.p++;
          this.skipBlank(false);
          const full = [...table, ...key];
          for (let n = table.length + 1; n <= full.length; n++) this.record(full.slice(0, n));
          this.value(full);
        }
      }
      this.restOfLine();
      if (this.p === before) this.p++;
    }
    return this.lines;
  }

  private record(path: KeyPath): void {
    const k = id(path);
    if (!this.lines.has(k)) this.lines.set(k, this.line);
  }

  /** `[a.b]` or `[[a.b]]`; returns the resolved table path (with array indices) or undefined if malformed. */
  private header(): Array<string | number> | undefined {
    const double = this.s[this.p + 1] === '[';
    this.p += double ? 2 : 1;
    this.skipBlank(false);
    const key = this.key();
    this.skipBlank(false);
    if (key.length === 0 || this.s[this.p] !== ']') return undefined;
    this.p += double ? 2 : 1;
    const resolved: Array<string | number> = [];
    key.forEach((part, i) => {
      resolved.push(part);
      const index = this.arrays.get(id(resolved));
      // A header inside an array of tables belongs to its latest element (TOML 1.0: "[[fruits]] … [fruits.physical]").
      if (i < key.length - 1 && index !== undefined) resolved.push(index);
    });
    this.record(resolved);
    if (double) {
      const index = (this.arrays.get(id(resolved)) ?? -1) + 1;
      this.arrays.set(id(resolved), index);
      resolved.push(index);
    }
    this.record(resolved);
    return resolved;
  }

  /** A dotted key: bare parts, "basic" or 'literal' quoted parts. Empty when there is none here. */
  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const c = this.s[this.p];
      if (c === '"' || c === "'") {
        parts.push(this.quoted(c));
      } else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.s.slice(this.p, this.p + 256));
        if (!m) return parts;
        parts.push(m[0]);
        this.p += m[0].length;
      }
      this.skipBlank(false);
      if (this.s[this.p] !== '.') return parts;
      this.p++;
    }
  }

  /** A single-line quoted string; returns its (roughly unescaped) content. */
  private quoted(q: string): string {
    let out = '';
    this.p++;
    while (this.p < this.s.length && this.s[this.p] !== q && this.s[this.p] !== '\n') {
      if (q === '"' && this.s[this.p] === '\\') {
        this.p++;
        out += this.s[this.p] ?? '';
      } else {
        out += this.s[this.p];
      }
      this.p++;
    }
    if (this.s[this.p] === q) this.p++;
    return out;
  }

  private value(path: KeyPath): void {
    const c = this.s[this.p];
    if (c === '[') return this.array(path);
    if (c === '{') return this.inlineTable(path);
    if (c === '"' || c === "'") {
      if (this.s.startsWith(c.repeat(3), this.p)) return this.multiline(c);
      this.quoted(c);
      return;
    }
    // Numbers, booleans, dates (which may contain one space): up to the end of the value.
    while (this.p < this.s.length && !/[,\]}\n#]/.test(this.s[this.p]!)) this.p++;
  }

  private array(path: KeyPath): void {
    this.p++;
    for (let index = 0; ; index++) {
      this.skipBlank(true);
      if (this.p >= this.s.length || this.s[this.p] === ']') break;
      this.record([...path, index]);
      const before = this.p;
      this.value([...path, index]);
      this.skipBlank(true);
      if (this.s[this.p] === ',') this.p++;
      else if (this.s[this.p] !== ']' || this.p === before) break;
    }
    if (this.s[this.p] === ']') this.p++;
  }

  private inlineTable(path: KeyPath): void {
    this.p++;
    for (;;) {
      this.skipBlank(true);
      if (this.p >= this.s.length || this.s[this.p] === '}') break;
      const key = this.key();
      this.skipBlank(false);
      if (key.length === 0 || this.s[this.p] !== '=') break;
      this.p++;
      this.skipBlank(false);
      const full = [...path, ...key];
      for (let n = path.length + 1; n <= full.length; n++) this.record(full.slice(0, n));
      this.value(full);
      this.skipBlank(true);
      if (this.s[this.p] === ',') this.p++;
      else break;
    }
    if (this.s[this.p] === '}') this.p++;
  }

  private multiline(q: string): void {
    const delim = q.repeat(3);
    this.p += 3;
    while (this.p < this.s.length) {
      const c = this.s[this.p];
      if (q === '"' && c === '\\') {
        if (this.s[this.p + 1] === '\n') this.line++;
        this.p += 2;
        continue;
      }
      if (this.s.startsWith(delim, this.p)) {
        this.p += 3;
        // Up to two quotes may directly precede the closing delimiter (TOML 1.0 §String): `""""` ends with one quote.
        for (let extra = 0; extra < 2 && this.s[this.p] === q; extra++) this.p++;
        return;
      }
      if (c === '\n') this.line++;
      this.p++;
    }
  }

  /** Skips spaces and tabs, and with `newlines` also line breaks and comments. */
  private skipBlank(newlines: boolean): void {
    while (this.p < this.s.length) {
      const c = this.s[this.p];
      if (c === ' ' || c === '\t' || c === '\r') this.p++;
      else if (newlines && c === '\n') {
        this.line++;
        this.p++;
      } else if (newlines && c === '#') {
        while (this.p < this.s.length && this.s[this.p] !== '\n') this.p++;
      } else break;
    }
  }

  /** Moves past the end of the current line (after a value, only a comment may follow). */
  private restOfLine(): void {
    while (this.p < this.s.length && this.s[this.p] !== '\n') this.p++;
    if (this.p < this.s.length) {
      this.p++;
      this.line++;
    }
  }
}

/** Every key path defined in the document, with the 1-based line where it is first written. */
export function indexKeyLines(source: string): Map<string, number> {
  try {
    return new Scanner(source).run();
  } catch {
    return new Map();
  }
}

/**
 * The 1-based line where `path` is written in `source`. When the path itself is not in the document (a missing required
 * key) this falls back to the closest enclosing key or table header, e.g. the `[[accounts]]` line of that account.
 * Undefined when not even the first segment is found.
 */
export function locateKey(source: string, path: KeyPath, index = indexKeyLines(source)): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const line = index.get(id(path.slice(0, n)));
    if (line !== undefined) return line;
  }
  return undefined;
}
