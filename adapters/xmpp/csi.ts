/**
 * Client State Indication (XEP-0352): Adapter.setActive tells the server whether the user is looking, so it can hold
 * back unimportant traffic (presence, chat states) while the terminal is idle. The nonzas `<active/>` and
 * `<inactive/>` are sent only when the server advertised `urn:xmpp:csi:0` in its stream features (§2), and only on a
 * change. The wanted state is remembered across connections: a new or resumed session that should be inactive says so
 * again (the server starts every new session as active, §3).
 */
import xml from '@xmpp/xml';
import type { Connection, XmppState } from './state.js';

export const NS_CSI = 'urn:xmpp:csi:0';

/** The CSI state of one adapter: what the user wants, what the current stream was told, whether it may be told. */
export interface CsiState {
  /** The state the user is in (true until setActive(false)). */
  wanted: boolean;
  /** What the current stream was last told; undefined on a fresh stream (the server assumes active). */
  sent?: boolean;
  /** The last stream features advertised CSI. */
  offered: boolean;
}

export function newCsiState(): CsiState {
  return { wanted: true, offered: false };
}

/** Writes the wanted state on `conn` when the server takes CSI and it differs from what the stream knows. */
export function syncCsi(s: XmppState, csi: CsiState, conn: Connection | undefined = s.conn): void {
  if (!conn?.online || conn.closed || !csi.offered) return;
  const known = csi.sent ?? true;
  if (known === csi.wanted) return;
  s.write(xml(csi.wanted ? 'active' : 'inactive', { xmlns: NS_CSI }), conn);
  csi.sent = csi.wanted;
  s.log.debug('client state sent', { active: csi.wanted });
}

/** Adapter.setActive: remember the state and tell the server now when connected. */
export function setClientActive(s: XmppState, csi: CsiState, active: boolean): void {
  csi.wanted = active;
  syncCsi(s, csi);
}

/**
 * A session came up: a new one starts active on the server (§3); for a resumed one the state is stated again when
 * inactive is wanted (harmless for a server that kept it, and right for one that did not).
 */
export function csiOnline(s: XmppState, csi: CsiState, conn: Connection): void {
  csi.sent = undefined;
  syncCsi(s, csi, conn);
}
