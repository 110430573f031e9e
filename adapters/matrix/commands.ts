/**
 * Matrix commands without a portable action:
 * - `/login-token <token>`: log in with a token from single sign-on (spec §"Client login via SSO"), then connect.
 * - `/sso`: shows the single sign-on URL to open in a browser.
 * - `/topic <text>`, `/invite <@user:server>` in a room; `/nick <name>` sets the display name.
 * - `/dm <@user:server>`: opens an encrypted direct chat (and lists it in `m.direct`).
 * - `/create <name>`: creates an encrypted private room.
 * - `/cross-signing`: sets up cross-signing anew (cross-signing.ts).
 * - `/backup-create [passphrase]`, `/backup-restore <recovery key or passphrase>`: see key-backup.ts.
 * - `/verify`, `/verify-accept`, `/verify-confirm`, `/verify-mismatch`, `/verify-cancel`, `/devices`: see
 *   verification.ts.
 */
import { Preset } from 'matrix-js-sdk';
import { CommandError } from '../../src/core/errors.js';
import { connect, saveSession } from './connection.js';
import { login, resolveHomeserver, ssoUrl } from './credentials.js';
import { fetchFor } from './http-transport.js';
import { proxyFromContext } from '../../src/core/net/proxy.js';
import { ensureCrossSigning } from './cross-signing.js';
import { runBackupCommand } from './key-backup.js';
import type { MatrixState } from './state.js';
import { runVerificationCommand } from './verification.js';

const ENCRYPTION = { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } };

function needClient(s: MatrixState) {
  if (!s.client) throw new CommandError('not connected');
  return s.client;
}

function needRoom(room: string | undefined, usage: string): string {
  if (!room) throw new CommandError(`${usage} works inside a room`);
  return room;
}

function userIdArg(v: string | undefined, usage: string): string {
  if (!v || !/^@[^:\s]+:\S+$/.test(v)) throw new CommandError(`usage: ${usage} (a user id such as @bob:example.org)`);
  return v;
}

export async function runCommand(s: MatrixState, name: string, args: string[], room?: string): Promise<void> {
  if (await runVerificationCommand(s, name.toLowerCase(), args, room)) return;
  if (await runBackupCommand(s, name.toLowerCase(), args)) return;
  switch (name.toLowerCase()) {
    case 'cross-signing': {
      if (!s.client) throw new CommandError('not connected');
      await ensureCrossSigning(s, s.client, true);
      return;
    }
    case 'login-token': {
      const token = args[0];
      if (!token) throw new CommandError('usage: /login-token <token> (from the single sign-on page)');
      s.fetch ??= fetchFor(s.opts!, await proxyFromContext(s.ctx!));
      s.homeserver ??= await resolveHomeserver(s.opts!, s.log, s.fetch);
      await saveSession(s, await login(s.homeserver, s.opts!, { token }, s.log, s.fetch));
      if (!s.client) connect(s);
      return;
    }
    case 'sso': {
      s.fetch ??= fetchFor(s.opts!, await proxyFromContext(s.ctx!));
      s.homeserver ??= await resolveHomeserver(s.opts!, s.log, s.fetch);
      s.emit({ type: 'notice', level: 'info', text: `open ${ssoUrl(s.homeserver)} and type /login-token <token>` });
      return;
    }
    case 'topic':
      await needClient(s).setRoomTopic(needRoom(room, '/topic'), args.join(' '));
      return;
    case 'nick':
      if (args.length === 0) throw new CommandError('usage: /nick <display name>');
      await needClient(s).setDisplayName(args.join(' '));
      return;
    case 'invite':
      await needClient(s).invite(needRoom(room, '/invite'), userIdArg(args[0], '/invite <user>'));
      return;
    case 'dm': {
      const client = needClient(s);
      const user = userIdArg(args[0], '/dm <user>');
      const { room_id } = await client.createRoom({ is_direct: true, invite: [user], preset: Preset.TrustedPrivateChat, initial_state: [ENCRYPTION] });
      // Spec §"Direct Messaging": the m.direct account data maps each user to their direct rooms.
      const direct = { ...(client.getAccountData('m.direct' as never)?.getContent<Record<string, string[]>>() ?? {}) } as Record<string, string[]>;
      direct[user] = [...new Set([...(direct[user] ?? []), room_id])];
      await client.setAccountData('m.direct' as never, direct as never);
      return;
    }
    case 'create': {
      if (args.length === 0) throw new CommandError('usage: /create <room name>');
      await needClient(s).createRoom({ name: args.join(' '), preset: Preset.PrivateChat, initial_state: [ENCRYPTION] });
      return;
    }
    default:
      throw new CommandError(`unknown command /${name}`);
  }
}
