/**
 * Watches the engine for new messages and notifies (bell, desktop escape sequence, notify command) by the rules of
 * src/core/notify/policy.ts. It runs in the UI process (also when attached to a daemon) because only the UI knows
 * which conversation is on screen and whether the terminal has focus, and only it owns the terminal.
 *
 * New messages are found per conversation by store order (`seq` above the highest one seen); at start every
 * conversation's newest message is the baseline, so nothing stored before start notifies, and the policy's live
 * check keeps history pages and catch-up replays quiet.
 */
import type { EngineApi } from '../core/engine-api.js';
import type { Logger } from '../core/logger.js';
import type { Conversation, Message } from '../core/model.js';
import { notificationText } from '../core/notify/notification-text.js';
import { decideNotification, type NotifyLevel } from '../core/notify/policy.js';
import { runNotifyCommand, type NotifyCommandVars } from '../core/notify/run-command.js';
import { BELL, chooseDesktop, desktopSequence, type DesktopSetting } from './notify-output.js';

/** `[notifications]` as the UI uses it (the config's keys, defaults applied). */
export interface NotifyOptions {
  level: NotifyLevel;
  keywords: string[];
  dnd: boolean;
  private: boolean;
  bell: boolean;
  desktop: DesktopSetting;
  command?: string[];
  passthrough: boolean;
  /** Per-account `notify` levels, by account id. */
  accountLevels?: Record<string, NotifyLevel>;
}

export interface NotificationWatcherDeps {
  engine: EngineApi;
  options: NotifyOptions;
  /** Writes to the terminal (stdout). */
  write(bytes: string): void;
  /** The conversation on screen, if any. */
  visibleConversation(): string | undefined;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  log?: Logger;
  /** Runs the notify command (default: runNotifyCommand). */
  runCommand?(argv: readonly string[], vars: NotifyCommandVars): void;
}

/** At most this many desktop notifications per batch of changes; more become one summary. */
export const MAX_PER_BATCH = 3;
/** How many of a conversation's newest messages are looked at per change. */
const SCAN = 50;

export class NotificationWatcher {
  private readonly lastSeq = new Map<string, number>();
  private focused = true;
  private unsubscribe: (() => void) | undefined;
  private counter = 0;

  constructor(private readonly deps: NotificationWatcherDeps) {}

  /** Records the baseline and starts listening. */
  start(): void {
    if (this.unsubscribe) return;
    for (const c of this.deps.engine.conversations()) this.lastSeq.set(c.id, this.newestSeq(c.id));
    this.unsubscribe = this.deps.engine.subscribe((changes) => this.check(changes.timelines));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The terminal reported focus in (true) or out (false) (DECSET 1004). */
  setFocused(focused: boolean): void {
    this.focused = focused;
  }

  private newestSeq(conversationId: string): number {
    const newest = this.deps.engine.messages(conversationId, { limit: 1 });
    return newest.reduce((max, m) => Math.max(max, m.seq), 0);
  }

  /** Looks at the conversations whose timelines changed; notifies for the new messages that qualify. */
  check(conversationIds: readonly string[]): void {
    const { engine, options } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const due: Array<{ m: Message; c: Conversation; mention: boolean }> = [];
    for (const id of conversationIds) {
      const c = engine.conversation(id);
      if (!c) continue;
      const seen = this.lastSeq.get(id) ?? 0;
      const fresh = engine.messages(id, { limit: SCAN }).filter((m) => m.seq > seen);
      if (fresh.length === 0) continue;
      this.lastSeq.set(id, Math.max(seen, ...fresh.map((m) => m.seq)));
      const onScreen = this.focused && this.deps.visibleConversation() === id;
      for (const m of fresh) {
        const d = decideNotification(
          { message: m, conversation: c, accountLevel: options.accountLevels?.[c.accountId], onScreen, now },
          { level: options.level, keywords: options.keywords, dnd: options.dnd },
        );
        if (d.notify) due.push({ m, c, mention: d.mention });
      }
    }
    if (due.length > 0) this.deliver(due);
  }

  private deliver(due: Array<{ m: Message; c: Conversation; mention: boolean }>): void {
    const { options } = this.deps;
    const env = this.deps.env ?? process.env;
    let out = options.bell ? BELL : '';
    const texts = due.map(({ m, c, mention }) => ({ ...notificationText(m, c, options.private), m, c, mention }));
    const shown =
      texts.length <= MAX_PER_BATCH
        ? texts
        : [{ ...texts[texts.length - 1]!, title: 'natter', body: `${texts.length} new messages` }];
    const choice = chooseDesktop(options.desktop, env, options.passthrough);
    for (const t of shown) out += desktopSequence(choice, t.title, t.body, `natter${++this.counter}`);
    if (out !== '') this.deps.write(out);
    if (options.command) {
      const run = this.deps.runCommand ?? ((argv, vars) => void runNotifyCommand(argv, vars, { log: this.deps.log }));
      for (const t of shown) {
        run(options.command, {
          title: t.title,
          body: t.body,
          account: t.c.accountId,
          conversation: t.c.title || t.c.remoteId,
          mention: t.mention,
        });
      }
    }
  }
}
