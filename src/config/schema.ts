/**
 * The config file schema (zod 4). Every message here completes the sentence "<key path>: must be …" so that load.ts can
 * show the user what would be valid. Objects are strict: unknown keys are errors (load.ts adds a "did you mean").
 *
 * config.example.toml documents every key defined here; a unit test keeps the two in step.
 */
import { z } from 'zod';
import type { Protocol } from '../core/model.js';
import { parseProxyUrl } from '../core/net/proxy.js';
import { KEYMAP_NAMES } from '../core/keys/key-bindings.js';

export const PROTOCOLS = ['irc', 'xmpp', 'matrix', 'email'] as const satisfies readonly Protocol[];
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A zod error option: "is required: …" for a missing value, "must be …" for a wrong one. */
function must(what: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? `is required: set it to ${what}` : `must be ${what}`) };
}

const BOOL = 'true or false';
const PORT = 'an integer between 1 and 65535';
const bool = (fallback: boolean) => z.boolean(must(BOOL)).default(fallback);
const port = () => z.int(must(PORT)).min(1, must(PORT)).max(65535, must(PORT));
const int = (min: number, max: number) => {
  const m = must(`an integer between ${min} and ${max}`);
  return z.int(m).min(min, m).max(max, m);
};
const text = (what: string, pattern: RegExp) => z.string(must(what)).regex(pattern, must(what));

const HOST = 'a host name or IP address such as "irc.example.org" or "127.0.0.1"';
const host = () => text(HOST, /^[^\s/@#?]{1,253}$/);

/**
 * Normalizes a SHA-256 certificate fingerprint given as 64 hex digits, with or without colons, to the uppercase colon
 * form OpenSSL prints (`openssl x509 -noout -fingerprint -sha256`). Undefined when it is not one.
 */
export function normalizeFingerprint(value: string): string | undefined {
  const v = value.trim();
  if (!/^[0-9A-Fa-f]{64}$/.test(v) && !/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31}$/.test(v)) return undefined;
  return v.replace(/:/g, '').toUpperCase().match(/../g)!.join(':');
}

const FINGERPRINT =
  'the SHA-256 fingerprint of the server certificate: 64 hex digits, with or without colons ' +
  '(openssl x509 -noout -fingerprint -sha256 -in cert.pem)';

/** Time patterns for `ui.time_format`: these tokens, anything else that is not a letter is copied. */
export const TIME_TOKENS = ['HH', 'H', 'hh', 'h', 'mm', 'ss', 'a'] as const;
const TIME_FORMAT = 'a time pattern made of HH, H, hh, h, mm, ss, a and separators, such as "HH:mm"';

/** Keys of `[ui]`. */
export const uiShape = {
  timestamps: bool(true),
  collapse_joins: bool(true),
  time_format: text(TIME_FORMAT, /^(?:HH|H|hh|h|mm|ss|a|[^A-Za-z])+$/).default('HH:mm'),
  /** OSC 8 hyperlinks: true, false, or "auto" (only terminals known to support them; src/ui/hyperlink-support.ts). */
  hyperlinks: z.union([z.boolean(), z.literal('auto')], must('true, false or "auto"')).default('auto'),
  /** Mouse reporting (wheel scrolls, a click opens a conversation or a link); false leaves the mouse to the terminal. */
  mouse: bool(true),
  /** What /open runs, as an argv array with the link or file appended (no shell); default xdg-open / open. */
  open_command: z
    .array(z.string().min(1), must('a list of strings such as ["firefox", "--new-tab"]'))
    .min(1, must('a list with at least the program, such as ["xdg-open"]'))
    .optional(),
  /**
   * Image previews (/preview): "auto" (ask the terminal: kitty graphics, else sixel, else half-blocks), one of
   * "kitty", "sixel", "blocks", or "off". "auto" is off when NATTER_SLOW_LINK=1 (src/ui/image/probe.ts).
   */
  images: z.enum(['auto', 'kitty', 'sixel', 'blocks', 'off'], must('"auto", "kitty", "sixel", "blocks" or "off"')).default('auto'),
  /** false: "auto" image previews are off under SSH (SSH_CONNECTION / SSH_TTY set), for slow links. */
  images_over_ssh: bool(true),
};

/**
 * A SOCKS5 proxy URL (`socks5://[user:password@]host:port`) or "none"; see src/core/net/proxy.ts. The message names
 * what is wrong with the URL but never repeats it (it may hold a password).
 */
const proxy = () =>
  z.string(must('a SOCKS5 proxy URL such as "socks5://127.0.0.1:9050", or "none"')).superRefine((v, ctx) => {
    const parsed = parseProxyUrl(v);
    if (typeof parsed === 'object' && 'problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
  });

/** Keys of `[network]`. */
export const networkShape = {
  proxy: proxy().optional(),
};

/**
 * Keys of `[keys]`: the keymap and `[keys.bind]` overrides (action name = a chord or a list of chords). Action names,
 * chords and collisions are checked by load.ts against src/core/keys (so the messages can list the valid actions).
 */
export const keysShape = {
  keymap: z.enum(KEYMAP_NAMES, must(`one of ${KEYMAP_NAMES.join(', ')}`)).default('default'),
  bind: z
    .record(
      z.string(),
      z.union([z.string(), z.array(z.string())], must('a key such as "C-p" or a list of keys such as ["C-p", "M-up"]')),
      { error: () => 'must be a table: write it as a [keys.bind] section of action = "key" lines' },
    )
    .default({}),
};

/** Keys of `[log]`. */
export const logShape = {
  level: z.enum(LOG_LEVELS, must(`one of ${LOG_LEVELS.join(', ')}`)).default('info'),
};

/** Notification levels: every live message, only mentions (and keyword matches), or nothing. */
export const NOTIFY_LEVELS = ['all', 'mentions', 'none'] as const;
const notifyLevel = () => z.enum(NOTIFY_LEVELS, must('one of all, mentions, none'));
/** How desktop notifications reach the terminal; "auto" picks OSC 99 under kitty, OSC 777 elsewhere, none in tmux/screen. */
export const DESKTOP_NOTIFY = ['auto', 'osc777', 'osc9', 'osc99', 'off'] as const;

/** Keys of `[notifications]` (see src/core/notify). */
export const notificationsShape = {
  level: notifyLevel().default('mentions'),
  /** Words that count as a mention (case-insensitive, whole words) and are highlighted. */
  keywords: z.array(text('a non-empty word without line breaks', /^[^\r\n\0]{1,100}$/), must('a list of words')).default([]),
  /** Do not disturb: nothing notifies (counts and highlights stay). */
  dnd: bool(false),
  /** Private notifications: never the message text, only who wrote in which conversation. */
  private: bool(false),
  bell: bool(true),
  desktop: z.enum(DESKTOP_NOTIFY, must(`one of ${DESKTOP_NOTIFY.join(', ')}`)).default('auto'),
  /** notify_command: argv (no shell); gets NATTER_NOTIFY_TITLE, NATTER_NOTIFY_BODY, … in its environment. */
  command: z.array(z.string(must('a string')).min(1, must('a non-empty string')), must('a list of strings: the program and its arguments')).min(1, must('a non-empty list')).optional(),
  /** Inside tmux/screen the OSC is wrapped for passthrough (tmux needs `set -g allow-passthrough on`). */
  passthrough: bool(false),
};

/** Per-account notification and privacy keys (they land in the account's settings, so the engine sees them). */
export const accountNotifyShape = {
  /** Overrides `[notifications] level` for this account. */
  notify: notifyLevel().optional(),
  /** Send typing notifications (IRCv3 +typing, XEP-0085, Matrix m.typing). */
  send_typing: bool(true),
  /** Send read receipts and chat markers (XEP-0333, Matrix m.read, email MDNs). */
  send_receipts: bool(true),
};

const NAME = 'a name made of letters, digits, ".", "_" and "-", such as "libera"';

/** Keys every account has, whatever its protocol. */
export const commonAccountShape = {
  name: text(NAME, /^[A-Za-z0-9._-]+$/),
  enabled: bool(true),
  password: z.string(must('a string')).min(1, must('a non-empty string')).optional(),
  password_command: z.string(must('a shell command that prints the password')).min(1, must('a non-empty command')).optional(),
  ca_file: z.string(must('the path of a PEM file of CA certificates to trust')).min(1, must('a non-empty path')).optional(),
  tls_fingerprint: z
    .string(must(FINGERPRINT))
    .refine((v) => normalizeFingerprint(v) !== undefined, must(FINGERPRINT))
    .transform((v) => normalizeFingerprint(v)!)
    .optional(),
  tls_danger_accept_invalid_certs: bool(false),
  /** Overrides `[network] proxy` for this account; "none" connects this account directly. */
  proxy: proxy().optional(),
};

// RFC 2812 §2.3.1: nickname = ( letter / special ) *( letter / digit / special / "-" ). The length limit is the
// server's NICKLEN (unknown before connecting); 64 only stops nonsense.
const NICK = 'a valid IRC nick: letters, digits and [ ] \\ ` _ ^ { | } -, not starting with a digit or "-"';
const nick = () => text(NICK, /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,63}$/);
// RFC 2812 §2.3.1: chanstring excludes NUL, BEL, CR, LF, space, comma and colon; the key follows after one space.
const CHANNEL = 'a channel name such as "#natter", optionally followed by a space and its key ("#secret hunter2")';
// eslint-disable-next-line no-control-regex
const channel = () => text(CHANNEL, /^[#&+!][^\s,:\x07\0]{1,199}(?: [^\s,]{1,100})?$/);

export const ircShape = {
  ...commonAccountShape,
  ...accountNotifyShape,
  protocol: z.literal('irc'),
  host: host(),
  port: port().optional(),
  tls: bool(true),
  nick: nick(),
  username: text('a user name without spaces or "@"', /^[^\s@\0]{1,64}$/).optional(),
  realname: text('a single line of text', /^[^\r\n\0]{1,200}$/).default('natter'),
  sasl_username: text('a single line of text', /^[^\r\n\0]{1,200}$/).optional(),
  channels: z.array(channel(), must('a list of channels such as ["#natter", "#secret key"]')).default([]),
  ctcp_version: bool(false),
  alt_nicks: z.array(nick(), must('a list of nicks such as ["alice_", "alice__"]')).default([]),
  flood_burst: int(1, 100).default(5),
  flood_interval_ms: int(0, 60000).default(500),
};

const XMPP_TLS = ['starttls', 'direct'] as const;
export const xmppShape = {
  ...commonAccountShape,
  ...accountNotifyShape,
  protocol: z.literal('xmpp'),
  jid: text('a bare JID such as "alice@example.org" (no /resource)', /^[^@/\s]+@[^@/\s]+$/),
  host: host().optional(),
  port: port().optional(),
  resource: text('a single line of text', /^[^\r\n\0]{1,200}$/).default('natter'),
  tls: z.enum(XMPP_TLS, must('one of starttls, direct')).default('starttls'),
  /**
   * OMEMO end-to-end encryption (XEP-0384, legacy and OMEMO 2): on by default for contacts that publish devices;
   * `/omemo off` turns it off per conversation.
   */
  omemo: bool(true),
  /** Where `/download` writes decrypted files (XEP-0454 `aesgcm://` links); default: a private temp directory. */
  download_dir: z.string(must('the path of a directory')).min(1, must('a non-empty path')).optional(),
};

export const matrixShape = {
  ...commonAccountShape,
  ...accountNotifyShape,
  protocol: z.literal('matrix'),
  homeserver: z
    .url({ protocol: /^https?$/, ...must('an http(s) URL such as "https://matrix.example.org"') })
    .optional(),
  user: text('a Matrix user id such as "@alice:example.org"', /^@[^:\s]+:\S+$/),
  /** Name of the device a login creates, shown to other users in their device lists. */
  device_name: text('a single line of text', /^[^\r\n\0]{1,100}$/).default('natter'),
  /** Events per room in the initial sync and in each later limited timeline (the sync filter's timeline limit). */
  timeline_limit: int(1, 500).default(20),
  /** Long-poll timeout of each /sync request. */
  poll_timeout_ms: int(1000, 300000).default(30000),
  /** Largest attachment `/download` fetches, in MiB (the file is held in memory to check and decrypt it). */
  max_download_mb: int(1, 4096).default(100),
};

const MAIL_SECURITY = ['tls', 'starttls'] as const;
const security = () => z.enum(MAIL_SECURITY, must('one of tls, starttls')).default('tls');
export const emailShape = {
  ...commonAccountShape,
  ...accountNotifyShape,
  protocol: z.literal('email'),
  address: text('an email address such as "alice@example.org"', /^[^@\s]+@[^@\s]+$/),
  imap_host: host().optional(),
  imap_port: port().optional(),
  imap_security: security(),
  smtp_host: host().optional(),
  smtp_port: port().optional(),
  smtp_security: security(),
  /** Own display name in the From header of sent mail (RFC 5322 display-name); default: the bare address. */
  display_name: text('a single line of text', /^[^\r\n\0]{1,100}$/).optional(),
  /** Fallback poll of the inbox while IDLE is up: catches a server that misses an IDLE notification (RFC 2177). */
  poll_interval_ms: int(1000, 86_400_000).default(60_000),
  /** Ordinary mail (no Chat-Version header) from known contacts is shown as chat too. */
  classic_mail_from_contacts: bool(false),
  /** Messages larger than this (IMAP RFC822.SIZE) are not downloaded; a placeholder is shown. Also caps `/open`. */
  max_message_bytes: int(1024, 4_294_967_296).default(50 * 1024 * 1024),
  /** How long a TCP + TLS connect (and the IMAP greeting / SMTP banner) may take. */
  connect_timeout_ms: int(1000, 300_000).default(20_000),
};

const BOTH_SECRETS = 'set either password or password_command, not both';
function oneSecret(v: { password?: string; password_command?: string }, ctx: z.RefinementCtx): void {
  if (v.password !== undefined && v.password_command !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['password_command'], message: BOTH_SECRETS });
  }
}

const ircAccount = z
  .strictObject(ircShape)
  .superRefine(oneSecret)
  // The IANA ports: 6697 for IRC over TLS (RFC 7194), 6667 plain.
  .transform((v) => ({ ...v, port: v.port ?? (v.tls ? 6697 : 6667), username: v.username ?? v.nick }));

const xmppAccount = z.strictObject(xmppShape).superRefine(oneSecret);
const matrixAccount = z.strictObject(matrixShape).superRefine(oneSecret);
// IMAP 993 implicit TLS / 143 STARTTLS; submission 465 implicit TLS / 587 STARTTLS (RFC 8314).
const emailAccount = z
  .strictObject(emailShape)
  .superRefine(oneSecret)
  .transform((v) => ({
    ...v,
    imap_port: v.imap_port ?? (v.imap_security === 'tls' ? 993 : 143),
    smtp_port: v.smtp_port ?? (v.smtp_security === 'tls' ? 465 : 587),
  }));

export const accountSchema = z.discriminatedUnion('protocol', [ircAccount, xmppAccount, matrixAccount, emailAccount]);

const ircPerson = /^[^/]+\/[^/]+$/;
const IRC_PERSON = '"account/nick" (the [[accounts]] name, a slash, the nick) or a list of them';

/** One address or a list of them. */
const addresses = z
  .union([z.string().min(1), z.array(z.string().min(1))], must('an address or a list of addresses'))
  .transform((v) => (typeof v === 'string' ? [v] : v))
  .optional();

/**
 * Keys of a `[[people]]` entry: one person's addresses on each network, so the sidebar lists their conversations
 * together (src/ui/people.ts). `irc` is "account/nick" (a nick means nothing outside its network).
 */
export const peopleShape = {
  name: z.string(must('a name such as "Bob"')).min(1, must('a name such as "Bob"')),
  xmpp: addresses,
  matrix: addresses,
  email: addresses,
  irc: z
    .union(
      [z.string().regex(ircPerson, must(IRC_PERSON)), z.array(z.string().regex(ircPerson, must(IRC_PERSON)))],
      must(IRC_PERSON),
    )
    .transform((v) => (typeof v === 'string' ? [v] : v))
    .optional(),
};

const TABLE = (name: string) => ({ error: () => `must be a table: write it as a [${name}] section` });

export const configSchema = z.strictObject({
  ui: z.strictObject(uiShape, TABLE('ui')).prefault({}),
  log: z.strictObject(logShape, TABLE('log')).prefault({}),
  network: z.strictObject(networkShape, TABLE('network')).prefault({}),
  keys: z.strictObject(keysShape, TABLE('keys')).prefault({}),
  notifications: z.strictObject(notificationsShape, TABLE('notifications')).prefault({}),
  accounts: z.array(accountSchema, must('a list of accounts: start each one with a [[accounts]] line')).default([]),
  people: z.array(z.strictObject(peopleShape), must('a list of people: start each one with a [[people]] line')).default([]),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ConfigOutput = z.output<typeof configSchema>;
export type UiConfig = z.output<typeof configSchema>['ui'];
export type LogConfig = z.output<typeof configSchema>['log'];
export type NetworkConfig = z.output<typeof configSchema>['network'];
export type KeysConfig = z.output<typeof configSchema>['keys'];
export type NotificationsConfig = z.output<typeof configSchema>['notifications'];
/** `[[people]]`: each person's addresses per network, as lists. */
export type PeopleConfig = z.output<typeof configSchema>['people'];

/** Keys common to all accounts: not part of an account's protocol `settings`. */
export const COMMON_ACCOUNT_KEYS = ['protocol', ...Object.keys(commonAccountShape)] as const;

/** The protocol keys of each kind of account (what lands in `AccountConfig.settings`), as written in TOML. */
export interface IrcSettings {
  host: string;
  port: number;
  tls: boolean;
  nick: string;
  username: string;
  realname: string;
  sasl_username?: string;
  channels: string[];
  ctcp_version: boolean;
  alt_nicks: string[];
  flood_burst: number;
  flood_interval_ms: number;
}
export interface XmppSettings {
  jid: string;
  host?: string;
  port?: number;
  resource: string;
  tls: 'starttls' | 'direct';
}
export interface MatrixSettings {
  homeserver?: string;
  user: string;
}
export interface EmailSettings {
  address: string;
  imap_host?: string;
  imap_port: number;
  imap_security: 'tls' | 'starttls';
  smtp_host?: string;
  smtp_port: number;
  smtp_security: 'tls' | 'starttls';
  display_name?: string;
  poll_interval_ms: number;
  classic_mail_from_contacts: boolean;
  max_message_bytes: number;
  connect_timeout_ms: number;
}

/** An account's keys in the order the example and messages list them: name, protocol, the rest as declared. */
const accountKeys = (shape: object): string[] => ['name', 'protocol', ...Object.keys(shape).filter((k) => k !== 'name' && k !== 'protocol')];

/** Every key the schema knows, by table; protocol lists include the common account keys. */
export const CONFIG_KEYS = {
  top: ['ui', 'log', 'network', 'keys', 'notifications', 'accounts', 'people'],
  people: Object.keys(peopleShape),
  ui: Object.keys(uiShape),
  notifications: Object.keys(notificationsShape),
  log: Object.keys(logShape),
  network: Object.keys(networkShape),
  keys: Object.keys(keysShape),
  common: accountKeys(commonAccountShape),
  irc: accountKeys(ircShape),
  xmpp: accountKeys(xmppShape),
  matrix: accountKeys(matrixShape),
  email: accountKeys(emailShape),
} as const satisfies Record<string, readonly string[]>;

/**
 * Formats a time of day with a `ui.time_format` pattern (see TIME_TOKENS), in local time: `HH` 00–23, `H` 0–23,
 * `hh` 01–12, `h` 1–12, `mm` minutes, `ss` seconds, `a` am/pm. Other characters are copied.
 */
export function formatTime(date: Date, pattern: string): string {
  const h = date.getHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const two = (n: number) => String(n).padStart(2, '0');
  return pattern.replace(/HH|H|hh|h|mm|ss|a/g, (t) => {
    switch (t) {
      case 'HH': return two(h);
      case 'H': return String(h);
      case 'hh': return two(h12);
      case 'h': return String(h12);
      case 'mm': return two(date.getMinutes());
      case 'ss': return two(date.getSeconds());
      default: return h < 12 ? 'am' : 'pm';
    }
  });
}
