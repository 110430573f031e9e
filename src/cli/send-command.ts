/**
 * `natter send`: connects one account, sends one message, waits for the server's acceptance, and exits.
 *
 * While a daemon runs for the profile the message goes through it (send-via-daemon.ts). Otherwise it connects itself,
 * with the account's stored state (see account-state.ts) when no other natter holds the profile; while an interface
 * holds it, accounts with lasting state are refused with a plain explanation. IRC always works.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/load.js';
import { resolveProfile } from '../config/paths.js';
import { logLevel } from '../app/open-session.js';
import type { ConversationKind } from '../core/model.js';
import { ProfileLockedError } from '../core/errors.js';
import { answers } from '../daemon/daemon-server.js';
import { daemonSocketPath } from '../daemon/socket-path.js';
import { keepsLastingState, openAccountState, type AccountState } from './account-state.js';
import { sendViaDaemon } from './send-via-daemon.js';
import { connectOnce, type OneShot } from './connect-once.js';

const fail = (text: string): number => {
  process.stderr.write(`natter send: ${text}\n`);
  return 1;
};

/**
 * What `to` is, joined first where the protocol wants that: IRC channels refuse messages from outside (+n); XMPP rooms
 * take group messages only from occupants (XEP-0045 §7.4), and the adapter's join tells a room (service discovery)
 * from a contact, whom it announces as a direct conversation without joining anything.
 */
async function target(session: OneShot, protocol: string, to: string): Promise<ConversationKind> {
  const { adapter } = session;
  const ircChannel = protocol === 'irc' && /^[#&+!]/.test(to);
  if (!ircChannel && protocol !== 'xmpp') return 'direct';
  await adapter.join(to);
  const key = adapter.normalize(to);
  for (;;) {
    if (session.joined.has(key)) return session.kinds.get(key) ?? (ircChannel ? 'channel' : 'group');
    if (!ircChannel && session.kinds.get(key) === 'direct') return 'direct';
    const refused = session.refused.get(key);
    if (refused) throw new Error(refused);
    const failure = session.failure();
    if (failure) throw failure;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function sendCommand(opts: { config?: string; debug?: boolean; account: string; to: string; text: string; timeoutMs?: number }): Promise<number> {
  const profile = resolveProfile();
  const config = loadConfig(opts.config ?? profile.configFile, { required: true });
  const account = config.accounts.find((a) => a.name === opts.account);
  if (!account) {
    const names = config.accounts.map((a) => a.name).join(', ') || 'none';
    return fail(`no account named "${opts.account}" in ${config.file} (accounts: ${names})`);
  }
  // A daemon holds the account (its connection and its keys): the message goes through its outbox.
  if (await answers(daemonSocketPath(profile), 1000)) {
    try {
      const r = await sendViaDaemon(profile, account, opts.to, opts.text, opts.timeoutMs);
      if (r.out) process.stdout.write(`${r.out}\n`);
      return r.code === 0 ? 0 : fail(r.error ?? 'failed');
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
  }
  let session: OneShot | undefined;
  let state: AccountState | undefined;
  try {
    const opened = openAccountState(profile.dataDir, account.name);
    if (opened instanceof ProfileLockedError) {
      if (keepsLastingState(account.protocol)) {
        return fail(
          `${opened.message}. A ${account.protocol} account sends with its stored keys and device, which that natter ` +
            'holds: type the message there (or stop it and run natter send again)',
        );
      }
    } else state = opened;
    session = await connectOnce(account, { logFile: profile.logFile, level: logLevel(config, opts.debug), scope: 'send', timeoutMs: opts.timeoutMs, kv: state?.kv });
    const { adapter } = session;
    const kind = await target(session, account.protocol, opts.to);
    const result = await adapter.send({
      localId: randomUUID(),
      conversation: { remoteId: opts.to, kind },
      kind: 'text',
      body: opts.text,
    });
    process.stdout.write(`sent to ${opts.to} on ${account.name}${result.remoteId ? ` (id ${result.remoteId})` : ''}\n`);
    return 0;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    await session?.close('natter send');
    state?.close();
  }
}
