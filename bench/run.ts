/**
 * `npm run bench`: prints figures (never pass/fail) for the targets in the README. Run on an idle machine.
 * Sections can be chosen: `npm run bench -- search ingest` (first-frame, search, ingest, keystroke, xmpp, omemo, email, matrix).
 */
import { benchProfile, PROFILE } from './profile.js';
import { firstFrame } from './first-frame.js';
import { searchLatency } from './search-latency.js';
import { engineIngest, ircIngest, serverCeiling } from './irc-ingest.js';
import { keystrokeLatency } from './keystroke-latency.js';
import { fmt } from './stats.js';
import { xmppRoomCatchUp, xmppRoomsUnavailable } from './xmpp-rooms.js';
import { omemoBench } from './omemo.js';
import { emailFirstSync, emailSyncUnavailable } from './email-sync.js';
import { matrixInitialSync } from './matrix-sync.js';

const out = (s: string) => process.stdout.write(`${s}\n`);
const want = new Set(process.argv.slice(2));
const on = (name: string) => want.size === 0 || want.has(name);
/** Runs one section; a failure is printed and the others still run. */
async function section(name: string, run: () => Promise<void> | void): Promise<void> {
  if (!on(name)) return;
  try {
    await run();
  } catch (error) {
    out(`${name}: failed — ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

out(`natter benchmarks — Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
const { home, generatedIn } = benchProfile(out);
out(`profile: ${PROFILE.conversations} conversations, ${PROFILE.messages.toLocaleString('en')} messages${generatedIn ? ` (generated in ${fmt(generatedIn / 1000)} s, ${fmt(PROFILE.messages / (generatedIn / 1000), 0)} msg/s)` : ' (cached)'}`);

await section('first-frame', async () => {
  const f = await firstFrame(home);
  out(`first frame:        ${fmt(f.firstFrameMs, 0)} ms   (bare node -e 0: ${fmt(f.baselineMs, 0)} ms; ratio ${fmt(f.firstFrameMs / f.baselineMs, 2)}×, target ≤ 3×)`);
  out(`RSS after start:    ${fmt(f.rssMb)} MB   (target < 120 MB)`);
});
await section('keystroke', async () => {
  const k = await keystrokeLatency(home);
  out(`keystroke→frame:    p50 ${fmt(k.p50)} ms, p99 ${fmt(k.p99)} ms while ${k.rate} msg/s arrive   (target p99 < 16 ms)`);
});
await section('ingest', async () => {
  const e = await engineIngest();
  out(`ingest (engine):    ${fmt(e.perSecond, 0)} msg/s persisted, no network`);
  const c = await serverCeiling();
  out(`InspIRCd ceiling:   ${fmt(c.perSecond, 0)} msg/s delivered to a raw reader on this machine (the same flood, no natter)`);
  const i = await ircIngest();
  out(`ingest (InspIRCd):  ${fmt(i.perSecond, 0)} msg/s persisted and announced (${i.stored} messages, ${i.notifications} UI notifications)   (target > 20,000)`);
});
await section('search', () => {
  const s = searchLatency(home);
  out(`search (FTS5):      p50 ${fmt(s.p50, 2)} ms, p99 ${fmt(s.p99, 2)} ms over 1M messages   (target p50 < 20 ms)`);
});
await section('xmpp', async () => {
  const why = xmppRoomsUnavailable();
  if (why) {
    out(`xmpp rooms:         skipped: Prosody cannot run here (${why})`);
    return;
  }
  const x = await xmppRoomCatchUp();
  out(`XMPP: join ${x.rooms} rooms with MAM catch-up of ${x.perRoom} messages each: ${fmt(x.seconds, 2)} s to all rooms caught up (online after ${fmt(x.onlineSeconds, 2)} s; ${x.messages.toLocaleString('en')} missed messages; natter CPU ${fmt(x.cpuSeconds, 2)} s)`);
  out(`  memory after it:  RSS ${fmt(x.rssMb)} MB, heap ${fmt(x.heapMb)} MB   (before the catch-up: RSS ${fmt(x.baseRssMb)} MB, heap ${fmt(x.baseHeapMb)} MB; load average ${fmt(x.load, 2)})`);
});
await section('omemo', () => {
  for (const version of ['legacy', 'omemo2'] as const) {
    const o = omemoBench(version);
    out(`OMEMO ${version.padEnd(7)}:     encrypt for 20 devices ${fmt(o.encrypt20Ms, 2)} ms; decrypt 1,000 archived messages ${fmt(o.decrypt1000Ms, 0)} ms`);
  }
});
await section('email', async () => {
  const why = emailSyncUnavailable();
  if (why) {
    out(`email first sync:   skipped: Dovecot cannot run here (${why})`);
    return;
  }
  const e = await emailFirstSync();
  out(`email first sync:   ${e.total.toLocaleString('en')} messages in INBOX, ${e.chat.toLocaleString('en')} chat (half PGP/MIME): ${fmt(e.seconds, 2)} s to all chat reported (natter CPU ${fmt(e.cpuSeconds, 2)} s; load average ${fmt(e.load, 2)})`);
  out(`  memory after it:  RSS ${fmt(e.rssMb)} MB, heap ${fmt(e.heapMb)} MB   (before: RSS ${fmt(e.baseRssMb)} MB, heap ${fmt(e.baseHeapMb)} MB)`);
});
await section('matrix', async () => {
  const m = await matrixInitialSync();
  out(`Matrix initial sync: ${m.rooms} rooms (${m.messages.toLocaleString('en')} timeline events) on the test homeserver, new device: ${fmt(m.allMs / 1000, 2)} s to all rooms reported, ${fmt(m.settledMs / 1000, 2)} s to idle (online after ${fmt((m.onlineMs ?? 0) / 1000, 2)} s, first room ${fmt((m.firstRoomMs ?? 0) / 1000, 2)} s, half ${fmt((m.halfMs ?? 0) / 1000, 2)} s; adapter CPU ${fmt(m.cpuMs / 1000, 2)} s; rooms generated in ${fmt(m.fillSeconds, 1)} s)`);
  out(`  memory after it:  RSS ${fmt(m.rssMb)} MB, heap ${fmt(m.heapMb)} MB, external ${fmt(m.externalMb)} MB   (adapter alone in its process; before: RSS ${fmt(m.baseRssMb)} MB, heap ${fmt(m.baseHeapMb)} MB)`);
  out(m.tuiMs !== undefined
    ? `  TUI (tmux):       ${fmt(m.tuiMs / 1000, 2)} s from launch to the rooms in the sidebar; RSS then ${m.tuiRssMb !== undefined ? fmt(m.tuiRssMb) : '?'} MB   (load average ${fmt(m.load, 2)})`
    : `  TUI (tmux):       not measured: ${m.tuiError ?? '?'}`);
});
