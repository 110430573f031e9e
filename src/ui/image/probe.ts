/**
 * Which graphics a terminal can show, asked of the terminal itself (never guessed from $TERM):
 *
 * - kitty graphics: a query action (`a=q`) for a 1×1 RGB image held nowhere (`t=d` with a 3-byte payload); a terminal
 *   that speaks the protocol answers `ESC _ G i=31 ; OK ESC \` (kitty docs, "Querying support and available
 *   transmission mediums"); others ignore the APC sequence.
 * - sixel: Primary Device Attributes (`CSI c`, DA1); the answer `CSI ? Pp ; Ps… c` lists 4 among its attributes when
 *   the terminal has sixel graphics (xterm ctlseqs, "Send Device Attributes").
 *
 * Both are written together, kitty first: every terminal answers DA1, and a terminal answers in order, so once the DA1
 * reply arrives a missing kitty reply means "no kitty" without waiting out a timer. Only a terminal that answers
 * nothing at all costs the timeout (then: half-blocks).
 */

/** Where the preview is drawn with: a graphics protocol, or Unicode half-blocks. */
export type ImageProtocol = 'kitty' | 'sixel' | 'blocks';

/** `[ui] images`: "auto" (detect), one protocol, or "off". */
export type ImageSetting = 'auto' | ImageProtocol | 'off';

export const kittyQuery = '\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\';
export const deviceAttributesQuery = '\x1b[c';

/** A terminal reply natter took out of the input: a kitty graphics answer or a DA1 answer. */
export type TerminalReport = { kind: 'kitty'; id: number; ok: boolean; message: string } | { kind: 'da1'; params: string[] };

// eslint-disable-next-line no-control-regex
const reportPattern = /\x1b_G([^\x1b;]*);([^\x1b]*)\x1b\\|\x1b\[\?([\d;]*)c/g;
// An unfinished reply at the end of a read (the rest comes with the next one).
// eslint-disable-next-line no-control-regex
const partialReport = /\x1b(?:_(?:G[^\x1b]*(?:\x1b)?)?|\[\?[\d;]*)$/;

/** Parses one reply (the whole escape sequence); undefined when it is neither kind. */
export function parseReport(text: string): TerminalReport | undefined {
  reportPattern.lastIndex = 0;
  const m = reportPattern.exec(text);
  if (!m || m.index !== 0 || m[0].length !== text.length) return undefined;
  return reportOf(m);
}

function reportOf(m: RegExpExecArray): TerminalReport {
  if (m[3] !== undefined) return { kind: 'da1', params: m[3].split(';').filter((p) => p !== '') };
  const id = Number(/(?:^|,)i=(\d+)/.exec(m[1]!)?.[1] ?? 0);
  return { kind: 'kitty', id, ok: m[2] === 'OK', message: m[2]! };
}

/**
 * Takes kitty graphics and DA1 replies out of a chunk of terminal input (Ink would read them as typed keys). `carry`
 * is an unfinished reply from the previous chunk. A lone ESC at the end is kept back only when it opens an APC.
 */
export function takeReports(carry: string, chunk: string): { pass: string; reports: TerminalReport[]; carry: string } {
  let text = carry + chunk;
  let rest = '';
  const tail = partialReport.exec(text);
  // A bare ESC is the Escape key, not the start of a reply: let it through.
  if (tail && tail[0] !== '\x1b') {
    rest = tail[0];
    text = text.slice(0, tail.index);
  }
  const reports: TerminalReport[] = [];
  const pass = text.replace(reportPattern, (...args: unknown[]) => {
    reports.push(reportOf(args as unknown as RegExpExecArray));
    return '';
  });
  return { pass, reports, carry: rest };
}

/** True when a DA1 reply lists sixel graphics (attribute 4 after the device class). */
export function da1HasSixel(params: readonly string[]): boolean {
  return params.slice(1).includes('4');
}

/** A source of terminal replies (see terminal-input.ts). */
export interface ReportSource {
  subscribe(listener: (r: TerminalReport) => void): () => void;
}

/**
 * Writes both queries and resolves with what the terminal supports: kitty when it answered the kitty query with OK,
 * else sixel when DA1 lists it, else blocks. Resolves at the DA1 reply, or after `timeoutMs` without one.
 */
export function probeImageProtocol(write: (bytes: string) => void, reports: ReportSource, timeoutMs = 1500): Promise<ImageProtocol> {
  return new Promise((resolve) => {
    let kitty = false;
    const finish = (p: ImageProtocol): void => {
      clearTimeout(timer);
      off();
      resolve(p);
    };
    const off = reports.subscribe((r) => {
      if (r.kind === 'kitty' && r.id === 31) kitty = r.ok;
      else if (r.kind === 'da1') finish(kitty ? 'kitty' : da1HasSixel(r.params) ? 'sixel' : 'blocks');
    });
    const timer = setTimeout(() => finish(kitty ? 'kitty' : 'blocks'), timeoutMs);
    write(kittyQuery + deviceAttributesQuery);
  });
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^(?:1|true|yes|on)$/i.test(v.trim());

/**
 * What `[ui] images` means here: "off" stays off; "auto" is off when NATTER_SLOW_LINK is set (1/true/yes/on), or under
 * SSH (SSH_CONNECTION / SSH_TTY) when `[ui] images_over_ssh = false`; otherwise "auto" (probe the terminal). A named
 * protocol is used as asked.
 */
export function resolveImageSetting(setting: ImageSetting, env: NodeJS.ProcessEnv, overSsh = true): ImageSetting {
  if (setting !== 'auto') return setting;
  if (truthy(env['NATTER_SLOW_LINK'])) return 'off';
  if (!overSsh && (env['SSH_CONNECTION'] || env['SSH_TTY'])) return 'off';
  return 'auto';
}

/** How the UI gets images onto the screen: the resolved protocol (probed once, on first use) and a raw writer. */
export interface ImageOutput {
  /** The protocol to draw with, or "off"; the first call may probe the terminal. */
  protocol(): Promise<ImageProtocol | 'off'>;
  /** Writes bytes to the terminal between Ink's frames (graphics sequences). */
  write(bytes: string): void;
  /** Resolves once Ink has written its pending frame (graphics go after it). */
  afterFrame?(): Promise<void>;
}

/** An {@link ImageOutput} for a setting: probes lazily (once) when "auto" on a TTY, half-blocks when not a TTY. */
export function imageOutput(opts: {
  setting: ImageSetting;
  write: (bytes: string) => void;
  reports?: ReportSource;
  isTty: boolean;
  timeoutMs?: number;
  afterFrame?: () => Promise<void>;
}): ImageOutput {
  let probed: Promise<ImageProtocol | 'off'> | undefined;
  return {
    write: opts.write,
    ...(opts.afterFrame && { afterFrame: opts.afterFrame }),
    protocol: () => {
      if (opts.setting !== 'auto') return Promise.resolve(opts.setting);
      if (!opts.isTty || !opts.reports) return Promise.resolve('blocks');
      probed ??= probeImageProtocol(opts.write, opts.reports, opts.timeoutMs);
      return probed;
    },
  };
}
