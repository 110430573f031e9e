/**
 * `natter send` while a daemon runs for the profile: the daemon holds the account's connection and its state (OMEMO
 * identity, Matrix device, Autocrypt key), so the message goes through it — into its persistent outbox — instead of
 * a second connection. The command still waits for the server's acceptance: it watches the profile's database
 * (read-only; WAL lets it read beside the daemon) until the daemon has marked the message sent or failed.
 */
import type { AccountConfig } from '../config/load.js';
import type { Profile } from '../config/paths.js';
import type { Conversation } from '../core/model.js';
import { DaemonLink } from '../daemon/daemon-link.js';
import { daemonSocketPath } from '../daemon/socket-path.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { natterVersion } from './natter-version.js';

export interface DaemonSendResult {
  code: number;
  out?: string;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendViaDaemon(profile: Profile, account: AccountConfig, to: string, text: string, timeoutMs = 30_000): Promise<DaemonSendResult> {
  const store = openStore(profile.dataDir, { readOnly: true });
  let link: DaemonLink | undefined;
  try {
    ({ link } = await DaemonLink.open({ socketPath: daemonSocketPath(profile), version: natterVersion(), onChanges: () => {}, onState: () => {} }));
    const deadline = Date.now() + timeoutMs;
    const find = (): Conversation | undefined =>
      store.listConversations({ includeClosed: true }).find((c) => c.accountId === account.name && c.remoteId.toLowerCase() === to.toLowerCase());
    let conv = find();
    // IRC channels take messages from members only (+n); XMPP rooms only from occupants (XEP-0045 §7.4). The daemon's
    // join also tells an XMPP room from a contact (service discovery), as the one-shot path does.
    const needsJoin = (account.protocol === 'irc' && /^[#&+!]/.test(to)) || account.protocol === 'xmpp';
    if (needsJoin && !(conv && (conv.joined || conv.kind === 'direct'))) {
      const joined = await link.dispatch({ type: 'join', accountId: account.name, address: to });
      if (!joined.ok) return { code: 1, error: joined.error };
      while (!(conv = find()) && Date.now() < deadline) await sleep(100);
    }
    const started = Date.now() - 1000;
    let conversationId = conv?.id;
    if (conversationId) {
      const r = await link.dispatch({ type: 'send', conversationId, body: text });
      if (!r.ok) return { code: 1, error: r.error };
    } else {
      const r = await link.dispatch({ type: 'open', accountId: account.name, address: to, body: text });
      if (!r.ok) return { code: 1, error: r.error };
      conversationId = r.conversationId;
    }
    if (!conversationId) return { code: 1, error: `the daemon did not say where the message to ${to} went` };
    return await acceptance(store, conversationId, text, started, deadline, account.name, to);
  } finally {
    link?.close();
    store.close();
  }
}

/** Waits until the daemon marked our message sent (or failed), reading the newest own messages of the conversation. */
async function acceptance(store: Store, conversationId: string, text: string, since: number, deadline: number, account: string, to: string): Promise<DaemonSendResult> {
  for (;;) {
    const mine = store
      .messages(conversationId, { limit: 50 })
      .filter((m) => m.direction === 'out' && m.body === text && m.receivedAt >= since)
      .at(-1);
    if (mine?.delivery === 'failed') return { code: 1, error: `the server refused it: ${mine.failure ?? 'no reason given'}` };
    if (mine && mine.delivery !== 'pending') {
      return { code: 0, out: `sent to ${to} on ${account} through the natter daemon${mine.remoteId ? ` (id ${mine.remoteId})` : ''}` };
    }
    if (Date.now() >= deadline) {
      return {
        code: 1,
        error: `not confirmed yet: the message to ${to} waits in the natter daemon's outbox and goes out once ${account} is connected`,
      };
    }
    await sleep(100);
  }
}
