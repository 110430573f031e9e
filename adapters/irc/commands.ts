/**
 * Protocol commands without a portable equivalent (`/nick`, `/topic`, `/raw`, …), turned into IRC lines
 * (RFC 2812 §3). Anything not listed is sent as `NAME args` so every server extension stays reachable.
 */
import { CommandError } from '../../src/core/errors.js';
import type { IrcSession } from './session.js';

/**
 * Writes the line for one command. `a` are the arguments as typed (already free of CR/LF), `here` the conversation
 * the command was typed in. Throws CommandError with a usage line when arguments are missing.
 */
export function runCommand(s: IrcSession, write: (line: string) => void, name: string, a: string[], here: string | undefined): void {
  const channelArg = () => (a[0] && s.isChannel(a[0]) ? a.shift()! : here);
  const trailing = (words: string[]) => (words.length ? ` :${words.join(' ')}` : '');
  switch (name.toLowerCase()) {
    case 'nick':
      if (!a[0]) throw new CommandError('usage: /nick <new nick>');
      write(`NICK ${a[0]}`);
      return;
    case 'topic': {
      const ch = channelArg();
      if (!ch) throw new CommandError('usage: /topic [#channel] [new topic]');
      write(a.length ? `TOPIC ${ch} :${a.join(' ')}` : `TOPIC ${ch}`);
      return;
    }
    case 'raw':
    case 'quote':
      if (!a.length) throw new CommandError('usage: /raw <IRC line>');
      write(a.join(' '));
      return;
    case 'whois':
      if (!a[0]) throw new CommandError('usage: /whois <nick>');
      write(`WHOIS ${a[0]}`);
      return;
    case 'mode': {
      const target = a[0] && !/^[+-]/.test(a[0]) ? a.shift()! : (here ?? s.nick);
      write(`MODE ${target}${a.length ? ` ${a.join(' ')}` : ''}`);
      return;
    }
    case 'kick': {
      const ch = channelArg();
      const nick = a.shift();
      if (!ch || !nick) throw new CommandError('usage: /kick [#channel] <nick> [reason]');
      write(`KICK ${ch} ${nick}${trailing(a)}`);
      return;
    }
    case 'invite': {
      const nick = a.shift();
      const ch = a[0] ?? here;
      if (!nick || !ch) throw new CommandError('usage: /invite <nick> [#channel]');
      write(`INVITE ${nick} ${ch}`);
      return;
    }
    case 'away':
      write(a.length ? `AWAY :${a.join(' ')}` : 'AWAY');
      return;
    default:
      write(`${name.toUpperCase()}${a.length ? ` ${a.join(' ')}` : ''}`);
  }
}
