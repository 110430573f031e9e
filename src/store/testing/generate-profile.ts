/**
 * Fills a store with a realistic-looking profile for benchmarks: channels, groups and direct chats with skewed
 * activity, varied sentence lengths, a mix of languages (accents, Cyrillic, Greek, CJK, emoji), mentions, actions and
 * notices. Deterministic (seeded PRNG): the same arguments produce the same text and the same distribution.
 */
import type { ConversationKind } from '../../core/model.js';
import type { NewMessage, Store } from '../types.js';
import { mulberry32 as prng } from '../../core/testing/prng.js';

export interface GenerateProfileOptions {
  conversations: number;
  messages: number;
  /** Defaults to `bench`; created (protocol irc) when missing. */
  accountId?: string;
  /** PRNG seed; defaults to 1. */
  seed?: number;
}

const words = (
  'the a to and of in is it you that for on was with he she they we be at this have from or one had by but not what ' +
  'all were when your can said there use an each which do how their if will up other about out many then them these ' +
  'so some her would make like him into time has look two more write go see number no way could people my than first ' +
  'water been call who oil its now find long down day did get come made may part server build release deploy merge ' +
  'branch commit test failing passing patch review linux kernel terminal window screen message channel protocol ' +
  'encryption key device verify trust backup restore config database index query cache latency throughput socket ' +
  'lunch coffee tomorrow yesterday weekend meeting ticket bug issue feature docs ' +
  'café naïve résumé über straße Grüße niño señor façade smörgåsbord crème brûlée ' +
  'привет спасибо сервер сообщение γειά καλημέρα διακομιστής 你好 谢谢 服务器 こんにちは ありがとう 🙂 👍 🎉'
).split(' ');
const nicks = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj',
  'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'zoë', 'Ærøskøbing', 'ツバサ'];


/**
 * Inserts `conversations` conversations and `messages` messages into `store` (in transactions of 10,000). Message
 * ids and remote ids are unique per call; sentAt increases from 2025-01-01 in small random steps. Returns nothing;
 * the counts are exact.
 */
export function generateProfile(
  store: Store,
  options: { conversations: number; messages: number; accountId?: string; seed?: number },
): void {
  const rand = prng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const accountId = options.accountId ?? 'bench';
  const run = `${Date.now().toString(36)}${Math.floor(rand() * 1e9).toString(36)}`;
  if (!store.listAccounts().some((a) => a.id === accountId)) store.upsertAccount({ id: accountId, protocol: 'irc' });

  const convIds: string[] = [];
  store.transaction(() => {
    for (let i = 0; i < options.conversations; i++) {
      const kind: ConversationKind = i === 0 ? 'server' : i % 4 === 0 ? 'direct' : i % 7 === 0 ? 'group' : 'channel';
      const remoteId = kind === 'server' ? `server-${run}` : kind === 'direct' ? `${pick(nicks)}-${i}` : `#chan-${run}-${i}`;
      const c = store.upsertConversation({ accountId, remoteId, key: remoteId.toLowerCase(), kind, joined: true });
      convIds.push(c.id);
    }
  });
  if (convIds.length === 0) return;

  // Zipf-like activity: conversation k gets weight 1/(k+1), so a few channels are busy and most are quiet.
  const weights = convIds.map((_, k) => 1 / (k + 1));
  const total = weights.reduce((x, y) => x + y, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w / total));
  const pickConversation = (): string => {
    const r = rand();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < r) lo = mid + 1;
      else hi = mid;
    }
    return convIds[lo] as string;
  };

  let sentAt = Date.UTC(2025, 0, 1);
  const batch = 10_000;
  for (let start = 0; start < options.messages; start += batch) {
    const end = Math.min(options.messages, start + batch);
    store.transaction(() => {
      for (let n = start; n < end; n++) {
        sentAt += 1 + Math.floor(rand() * 30_000);
        const length = 2 + Math.floor(rand() * rand() * 40);
        const parts: string[] = [];
        for (let w = 0; w < length; w++) parts.push(pick(words));
        const mentionsMe = rand() < 0.02;
        if (mentionsMe) parts.unshift('me:');
        const sender = pick(nicks);
        const own = rand() < 0.1;
        const r = rand();
        const kind = r < 0.05 ? 'action' : r < 0.07 ? 'notice' : 'text';
        const message: NewMessage = {
          id: `g${run}-${n.toString(36)}`,
          accountId,
          conversationId: pickConversation(),
          remoteId: `r${run}-${n.toString(36)}`,
          senderId: own ? 'me' : sender,
          senderName: own ? 'me' : sender,
          direction: own ? 'out' : 'in',
          kind,
          body: parts.join(' '),
          sentAt,
          receivedAt: sentAt + Math.floor(rand() * 500),
          encryption: { scheme: 'none' },
          mentionsMe: !own && mentionsMe,
          countsUnread: !own,
          ...(own ? { delivery: 'sent' as const } : {}),
        };
        store.insertMessage(message);
      }
    });
  }
}
