/**
 * Channel MODE changes (RFC 2812 §3.2.3): prefix modes (+o, +v, …) update the member's role; every change is also an
 * `event` line. Which modes take a parameter comes from ISUPPORT CHANMODES and PREFIX.
 */
import type { IrcLine, IrcSession } from '../session.js';
import type { HandlerTable } from './types.js';

export interface ModeChange {
  add: boolean;
  mode: string;
  param?: string;
}

/** Parses a mode string and its parameters using the server's CHANMODES (A,B always; C on set) and PREFIX. */
export function parseModes(s: IrcSession, modes: string, params: string[]): ModeChange[] {
  const [a = '', b = '', c = ''] = s.chanModes;
  const prefixModes = s.prefix.map((p) => p.mode).join('');
  const out: ModeChange[] = [];
  let add = true;
  let i = 0;
  for (const m of modes) {
    if (m === '+' || m === '-') {
      add = m === '+';
      continue;
    }
    const takes = prefixModes.includes(m) || a.includes(m) || b.includes(m) || (add && c.includes(m));
    out.push(takes ? { add, mode: m, param: params[i++] } : { add, mode: m });
  }
  return out;
}

function onMode(s: IrcSession, line: IrcLine): void {
  const [target, modes, ...params] = line.params;
  if (!target || !modes) return;
  if (!s.isChannel(target)) {
    s.log.debug('user mode change', { target, modes });
    return;
  }
  const ch = s.channel(target);
  const actor = line.nick || line.prefix;
  for (const change of parseModes(s, modes, params)) {
    const prefix = s.prefix.find((p) => p.mode === change.mode);
    if (!prefix || !change.param || !ch) continue;
    const key = s.fold(change.param);
    const member = ch.members.get(key) ?? { nick: change.param, prefixes: '' };
    const symbols = change.add
      ? member.prefixes + (member.prefixes.includes(prefix.symbol) ? '' : prefix.symbol)
      : member.prefixes.replace(prefix.symbol, '');
    const updated = { ...member, prefixes: s.sortPrefixes(symbols) };
    ch.members.set(key, updated);
    s.emit({ type: 'members', conversationRemoteId: ch.name, add: [s.participant(updated)] });
  }
  const text = [modes, ...params].join(' ');
  s.emitEvent(line, target, actor, `${actor} sets mode ${text}`, 'mode', { modes: text });
}

export const modeHandlers: HandlerTable = { MODE: onMode };
