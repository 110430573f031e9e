import { CommandError } from '../errors.js';
import type { Protocol } from '../model.js';
import type { CommandDef } from './command-def.js';
import { usageError, words } from './args.js';

/** URL schemes /connect understands, and the protocol each one sets up. */
const SCHEMES: Record<string, { protocol: Protocol; needsHost: boolean }> = {
  irc: { protocol: 'irc', needsHost: true }, // draft-butcher-irc-url
  ircs: { protocol: 'irc', needsHost: true },
  xmpp: { protocol: 'xmpp', needsHost: false }, // RFC 5122: xmpp:user@host has no authority part
  matrix: { protocol: 'matrix', needsHost: false }, // Matrix spec "matrix: URI scheme": matrix:u/alice:example.org
  imap: { protocol: 'email', needsHost: true }, // RFC 5092
  imaps: { protocol: 'email', needsHost: true },
  mailto: { protocol: 'email', needsHost: false }, // RFC 6068
};

/**
 * `/connect [account|url]`: reconnect a configured account (the focused one without an argument, every account when
 * none is focused), or add one from a URL such as `ircs://nick@irc.example.org:6697/#natter`.
 */
export const connect: CommandDef = {
  name: 'connect',
  aliases: [],
  usage: '/connect [account|url]',
  summary: 'Connect an account, or add one from a URL (ircs://nick@host:6697/#chan)',
  parse(args, ctx) {
    const [target, ...extra] = words(args);
    if (extra.length > 0) throw usageError(connect, '/connect takes one account or URL');
    if (target === undefined) {
      return ctx.accountId === undefined ? { type: 'connect' } : { type: 'connect', accountId: ctx.accountId };
    }
    if (ctx.accounts.includes(target)) return { type: 'connect', accountId: target };
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
    if (scheme === undefined) {
      const list = ctx.accounts.length > 0 ? `accounts: ${ctx.accounts.join(', ')}` : 'no accounts are configured';
      throw new CommandError(`no account named "${target}"; ${list}; or give a URL: ${connect.usage}`);
    }
    const known = SCHEMES[scheme];
    if (known === undefined) {
      throw new CommandError(
        `/connect cannot use ${scheme}: URLs; use ${Object.keys(SCHEMES).join(':, ')}: or an account name`,
      );
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch (error) {
      throw new CommandError(`/connect: "${target}" is not a valid URL`, { cause: error });
    }
    if (known.needsHost ? url.hostname === '' : url.pathname === '' && url.hostname === '') {
      throw new CommandError(`/connect: "${target}" names no server`);
    }
    return { type: 'connect', url: target, protocol: known.protocol };
  },
};
