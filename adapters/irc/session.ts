/**
 * Per-connection state of the IRC adapter shared by the inbound event handlers (adapters/irc/events/*): own nick,
 * ISUPPORT values, enabled caps, joined channels with their members, open batches. The adapter class owns one
 * session and resets it on every new connection.
 */
import type { AdapterContext, AdapterEvent, ConversationUpsert, IncomingMessage } from '../../src/core/contract.js';
import type { Logger } from '../../src/core/logger.js';
import type { Participant, Role } from '../../src/core/model.js';
import { foldCase, parseCaseMapping, type CaseMapping } from './casemapping.js';
import type { IrcFrameworkMessage } from 'irc-framework';
import type { IrcOptions } from './options.js';

/** One parsed line from the server (irc-framework's parser output, typed in irc-framework.d.ts). */
export type IrcLine = IrcFrameworkMessage;

export interface MemberState {
  nick: string;
  /** Prefix symbols the member holds, highest first (multi-prefix gives all of them). */
  prefixes: string;
  account?: string;
}

export interface ChannelState {
  name: string;
  topic?: string;
  members: Map<string, MemberState>;
  /** NAMES replies collected until RPL_ENDOFNAMES. */
  names?: Map<string, MemberState>;
}

export interface BatchState {
  id: string;
  type: string;
  params: string[];
  label?: string;
  parent?: string;
}

/** The server conversation: MOTD, server notices, numerics without a better home. */
export const SERVER_CONVERSATION: ConversationUpsert = { remoteId: '*', kind: 'server', title: 'server' };

/** Batch types whose messages are replays, not live traffic (IRCv3 chathistory, ZNC playback). */
const HISTORY_BATCHES = new Set(['chathistory', 'draft/chathistory', 'znc.in/playback', 'draft/event-playback']);

const ROLE_BY_SYMBOL: Record<string, Role> = { '~': 'owner', '&': 'admin', '@': 'moderator', '%': 'moderator', '+': 'voice' };
const ROLE_RANK: Role[] = ['owner', 'admin', 'moderator', 'voice', 'member', 'guest'];

/** Hooks from the session back into the adapter for things that change the connection itself. */
export interface SessionHooks {
  /** RPL_WELCOME arrived. */
  registered(line: IrcLine): void;
  /** End of MOTD (or its absence): registration burst is over. */
  welcomeDone(): void;
  /** 433/436/437/432 during registration. */
  nickRejected(line: IrcLine): void;
  /** A labeled or target-matching error numeric for a pending send. Returns true when it consumed the error. */
  sendFailed(label: string | undefined, target: string | undefined, reason: string): boolean;
  /** An echo of our own PRIVMSG/NOTICE; returns true when it confirmed a pending send (then it is not emitted). */
  echo(line: IrcLine, label: string | undefined, text: string): boolean;
  /** A message that belongs to a pending history request; returns true when consumed. */
  historyMessage(batchId: string, message: IncomingMessage): boolean;
  /** A batch started (history requests claim their batch here). */
  batchStarted(batch: BatchState): void;
  /** FAIL CHATHISTORY for a pending history request. Returns true when consumed. */
  historyFailed(label: string | undefined): boolean;
  /** A batch ended. */
  batchEnded(batch: BatchState): void;
  /** We joined a channel (by any means, e.g. /raw JOIN or a server-forced join): rejoin it after a reconnect. */
  joined(channel: string): void;
  /** We left a channel (PART or KICK): do not rejoin it after a reconnect. */
  left(channel: string): void;
  /** Own nick changed after registration. */
  nickChanged(nick: string): void;
  /** Writes one raw line (flood-controlled). */
  write(line: string): void;
}

export class IrcSession {
  nick: string;
  user?: string;
  host?: string;
  registered = false;
  welcomed = false;
  serverName = '';
  caseMapping: CaseMapping = 'rfc1459';
  /** PREFIX: mode letters and symbols, highest first. */
  prefix: Array<{ mode: string; symbol: string }> = [
    { mode: 'o', symbol: '@' },
    { mode: 'v', symbol: '+' },
  ];
  chanTypes = '#&';
  chanModes: string[] = ['beI', 'k', 'l', 'imnpst'];
  statusMsg = '';
  isupport = new Map<string, string>();
  caps = new Set<string>();
  offered = new Set<string>();
  channels = new Map<string, ChannelState>();
  batches = new Map<string, BatchState>();
  nickAttempt = 0;
  /** Set when we sent QUIT ourselves: the server's closing ERROR is then expected, not news. */
  quitting = false;
  /** Text of the last ERROR line (the reason the server gives for closing the link). */
  serverError?: string;

  constructor(
    readonly ctx: AdapterContext,
    readonly options: IrcOptions,
    readonly log: Logger,
    readonly hooks: SessionHooks,
  ) {
    this.nick = options.nick;
  }

  emit(event: AdapterEvent): void {
    try {
      this.ctx.emit(event);
    } catch (e) {
      this.log.error('the engine failed to take an event', e);
    }
  }

  fold(text: string): string {
    return foldCase(text, this.caseMapping);
  }

  isSelf(nick: string | undefined): boolean {
    return !!nick && this.fold(nick) === this.fold(this.nick);
  }

  isChannel(target: string): boolean {
    return target.length > 0 && this.chanTypes.includes(target[0]!);
  }

  /** Strips STATUSMSG prefixes (`@#chan` → `#chan`). */
  stripStatus(target: string): string {
    let t = target;
    while (t.length > 1 && this.statusMsg.includes(t[0]!) && !this.isChannel(t)) t = t.slice(1);
    return t;
  }

  channel(name: string): ChannelState | undefined {
    return this.channels.get(this.fold(name));
  }

  /** Applies one RPL_ISUPPORT token. */
  setIsupport(key: string, value: string): void {
    const k = key.toUpperCase();
    this.isupport.set(k, value);
    if (k === 'CASEMAPPING') this.caseMapping = parseCaseMapping(value);
    else if (k === 'CHANTYPES') this.chanTypes = value;
    else if (k === 'STATUSMSG') this.statusMsg = value;
    else if (k === 'CHANMODES') this.chanModes = value.split(',');
    else if (k === 'PREFIX') {
      const m = /^\(([^)]*)\)(.*)$/.exec(value);
      if (m) this.prefix = [...m[1]!].map((mode, i) => ({ mode, symbol: m[2]![i] ?? '' })).filter((p) => p.symbol);
      else if (value === '') this.prefix = [];
    }
  }

  /** Splits "@+nick!user@host" into the prefix symbols and the nick. */
  splitPrefixed(entry: string): MemberState {
    let i = 0;
    const symbols = this.prefix.map((p) => p.symbol).join('');
    while (i < entry.length && symbols.includes(entry[i]!)) i++;
    const rest = entry.slice(i);
    const bang = rest.indexOf('!');
    return { nick: bang === -1 ? rest : rest.slice(0, bang), prefixes: this.sortPrefixes(entry.slice(0, i)) };
  }

  sortPrefixes(prefixes: string): string {
    return this.prefix.map((p) => p.symbol).filter((s) => prefixes.includes(s)).join('');
  }

  participant(m: MemberState): Participant {
    let role: Role = 'member';
    for (const s of m.prefixes) {
      const r = ROLE_BY_SYMBOL[s] ?? 'member';
      if (ROLE_RANK.indexOf(r) < ROLE_RANK.indexOf(role)) role = r;
    }
    const p: Participant = { id: m.nick, name: m.nick, role };
    if (m.prefixes) p.badge = m.prefixes;
    if (m.account) p.account = m.account;
    return p;
  }

  /** The root batch of a (possibly nested) batch id. */
  rootBatch(id: string | undefined): BatchState | undefined {
    let b = id ? this.batches.get(id) : undefined;
    for (let depth = 0; b?.parent && depth < 10; depth++) {
      const parent = this.batches.get(b.parent);
      if (!parent) break;
      b = parent;
    }
    return b;
  }

  /** True when the line arrived inside a history/playback batch (at any nesting level). */
  isHistorical(line: IrcLine): boolean {
    let b = line.tags.batch ? this.batches.get(line.tags.batch) : undefined;
    for (let depth = 0; b && depth < 10; depth++) {
      if (HISTORY_BATCHES.has(b.type)) return true;
      b = b.parent ? this.batches.get(b.parent) : undefined;
    }
    return false;
  }

  /** The label that applies to a line: its own tag, or the label of the batch it arrived in. */
  labelOf(line: IrcLine): string | undefined {
    return line.tags.label ?? this.rootBatch(line.tags.batch)?.label;
  }

  /** Fields every message built from `line` shares: msgid, server-time, historical flag, account tag. */
  messageBase(line: IrcLine): Pick<IncomingMessage, 'remoteId' | 'sentAt' | 'historical' | 'ext'> {
    const base: Pick<IncomingMessage, 'remoteId' | 'sentAt' | 'historical' | 'ext'> = {};
    if (line.tags.msgid) base.remoteId = line.tags.msgid;
    const t = line.tags.time ? Date.parse(line.tags.time) : NaN;
    if (Number.isFinite(t)) base.sentAt = t;
    if (this.isHistorical(line)) base.historical = true;
    if (line.tags.account) base.ext = { account: line.tags.account };
    return base;
  }

  channelConversation(name: string, extra?: Partial<ConversationUpsert>): ConversationUpsert {
    return { remoteId: this.channel(name)?.name ?? name, kind: 'channel', title: this.channel(name)?.name ?? name, ...extra };
  }

  /** Emits a membership/topic/nick line as a message of kind `event` (the UI may collapse these). */
  emitEvent(line: IrcLine, channel: string, actor: string, body: string, ircEvent: string, extra?: Record<string, unknown>): void {
    const base = this.messageBase(line);
    const message: IncomingMessage = {
      conversation: this.channelConversation(channel),
      ...base,
      senderId: actor,
      senderName: actor,
      direction: this.isSelf(actor) ? 'out' : 'in',
      kind: 'event',
      body,
      ext: { ...base.ext, ircEvent, ...extra },
    };
    this.emitMessage(line, message);
  }

  /** Emits a message, or hands it to a pending history request when it arrived in that request's batch. */
  emitMessage(line: IrcLine, message: IncomingMessage): void {
    const root = this.rootBatch(line.tags.batch);
    if (root && this.hooks.historyMessage(root.id, message)) return;
    this.emit({ type: 'message', message });
  }

  /** A line for the server conversation (MOTD, server notices, numerics). */
  emitServerLine(line: IrcLine, text: string, kind: 'notice' | 'text' = 'notice'): void {
    this.emit({
      type: 'message',
      message: {
        conversation: SERVER_CONVERSATION,
        ...this.messageBase(line),
        senderId: line.prefix || this.serverName || 'server',
        senderName: line.nick || line.hostname || line.prefix || this.serverName || 'server',
        direction: 'in',
        kind,
        body: text,
      },
    });
  }
}
