/**
 * Alt-M: who is in the conversation — members grouped by role (owners, admins, moderators, voiced, members, guests),
 * each with the protocol's badge (IRC prefixes `~&@%+`), the account the server vouches for, and away status.
 */
import { Box, Text } from 'ink';
import type { Participant, Role } from '../core/model.js';
import { OverlayFrame, overlayBodyRows } from './OverlayFrame.js';
import { fit, truncate } from './wrap.js';

const roleOrder: Role[] = ['owner', 'admin', 'moderator', 'voice', 'member', 'guest'];
const roleTitle: Record<Role, string> = {
  owner: 'Owners',
  admin: 'Admins',
  moderator: 'Moderators',
  voice: 'Voiced',
  member: 'Members',
  guest: 'Guests',
};

export interface MemberLine {
  key: string;
  heading?: string;
  member?: Participant;
}

/** The overlay's rows: a heading per role that has members, then its members by name. */
export function memberLines(members: readonly Participant[]): MemberLine[] {
  const out: MemberLine[] = [];
  for (const role of roleOrder) {
    const group = members.filter((m) => m.role === role).sort((a, b) => a.name.localeCompare(b.name));
    if (group.length === 0) continue;
    out.push({ key: `h:${role}`, heading: `${roleTitle[role]} (${group.length})` });
    for (const m of group) out.push({ key: `m:${m.id}`, member: m });
  }
  return out;
}

export interface MembersOverlayProps {
  title: string;
  lines: MemberLine[];
  count: number;
  offset: number;
  width: number;
  height: number;
}

export function MembersOverlay({ title, lines, count, offset, width, height }: MembersOverlayProps) {
  const rows = overlayBodyRows(height);
  const inner = width - 2;
  const start = Math.max(0, Math.min(offset, lines.length - rows));
  return (
    <OverlayFrame title={`${title} — ${count} ${count === 1 ? 'member' : 'members'}`} footer="Up/Down/PgUp/PgDn scroll · Esc close" width={width} height={height}>
      {lines.length === 0 ? <Text dimColor>No member list is known for this conversation.</Text> : null}
      {lines.slice(start, start + rows).map((l) => (
        <Box key={l.key} height={1}>
          {l.heading ? (
            <Text bold underline>
              {truncate(l.heading, inner)}
            </Text>
          ) : (
            <Text wrap="truncate-end" dimColor={l.member?.away === true}>
              <Text color="cyan">{fit(l.member?.badge ?? '', 2)}</Text>
              {truncate(`${l.member?.name ?? ''}${l.member?.account && l.member.account !== l.member.name ? ` (${l.member.account})` : ''}${l.member?.away ? ' — away' : ''}`, inner - 2)}
            </Text>
          )}
        </Box>
      ))}
    </OverlayFrame>
  );
}
