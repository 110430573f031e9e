/**
 * The fallback identity of a message for protocols or servers without stable ids (IRC without msgid, replays that
 * re-number messages): sender, server time and text. Only meaningful when the time came from the server
 * (IRCv3 server-time, XEP-0203 delay, Matrix origin_server_ts); receive times differ between replays.
 */
import { createHash } from 'node:crypto';

export function dedupKey(senderId: string, serverTime: number, body: string): string {
  return createHash('sha256').update(`${senderId.toLowerCase()}\u0000${serverTime}\u0000${body}`).digest('base64url').slice(0, 32);
}
