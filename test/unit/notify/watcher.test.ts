import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeSet, EngineApi } from '../../../src/core/engine-api.js';
import type { Conversation, Message } from '../../../src/core/model.js';
import type { NotifyCommandVars } from '../../../src/core/notify/run-command.js';
import { NotificationWatcher, type NotifyOptions } from '../../../src/ui/notification-watcher.js';

const NOW = 1_700_000_000_000;

/** Just enough of EngineApi: conversations, newest-last message pages, and a subscription the test drives. */
class FakeEngine {
  convs = new Map<string, Conversation>();
  msgs = new Map<string, Message[]>();
  listeners = new Set<(c: ChangeSet) => void>();
  seq = 0;
  conversations(): Conversation[] {
    return [...this.convs.values()];
  }
  conversation(id: string): Conversation | undefined {
    return this.convs.get(id);
  }
  messages(id: string, o: { limit: number }): Message[] {
    return (this.msgs.get(id) ?? []).slice(-o.limit);
  }
  subscribe(l: (c: ChangeSet) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  addConversation(id: string, kind: Conversation['kind'], title: string, ext?: Record<string, unknown>): void {
    this.convs.set(id, { id, accountId: 'net', remoteId: title, kind, title, joined: true, encrypted: false, unread: 0, mentions: 0, closed: false, ext } as unknown as Conversation);
  }
  add(conversationId: string, m: Partial<Message>): void {
    const msg = {
      id: `m${++this.seq}`, seq: this.seq, accountId: 'net', conversationId, senderId: 'bob', senderName: 'bob', direction: 'in', kind: 'text',
      body: 'hello', sentAt: NOW - 100, receivedAt: NOW - 50, retracted: false, encryption: { scheme: 'none' }, mentionsMe: false, reactions: [],
      ...m,
    } as Message;
    this.msgs.set(conversationId, [...(this.msgs.get(conversationId) ?? []), msg]);
  }
  changed(...timelines: string[]): void {
    const c: ChangeSet = { accounts: false, conversations: [], timelines, members: [], typing: [], status: false };
    for (const l of this.listeners) l(c);
  }
}

const defaults: NotifyOptions = { level: 'all', keywords: [], dnd: false, private: false, bell: false, desktop: 'off', passthrough: false };

function rig(options: Partial<NotifyOptions> = {}, env: NodeJS.ProcessEnv = { TERM: 'xterm-256color' }) {
  const engine = new FakeEngine();
  engine.addConversation('c1', 'channel', '#natter');
  engine.addConversation('c2', 'direct', 'alice');
  engine.add('c1', { body: 'stored before start' });
  const written: string[] = [];
  const commands: Array<{ argv: readonly string[]; vars: NotifyCommandVars }> = [];
  let visible: string | undefined = 'c1';
  const watcher = new NotificationWatcher({
    engine: engine as unknown as EngineApi,
    options: { ...defaults, ...options },
    write: (b) => written.push(b),
    visibleConversation: () => visible,
    env,
    now: () => NOW,
    runCommand: (argv, vars) => commands.push({ argv, vars }),
  });
  watcher.start();
  return { engine, watcher, written, commands, show: (id: string | undefined) => (visible = id) };
}

describe('notification watcher', () => {
  it('writes nothing at all when bell, desktop and command are off', () => {
    const r = rig();
    r.engine.add('c2', { body: 'hi' });
    r.engine.changed('c2');
    assert.deepEqual(r.written, []);
    assert.deepEqual(r.commands, []);
  });

  it('rings the bell and writes OSC 777 exactly, only for the new live message', () => {
    const r = rig({ bell: true, desktop: 'auto' });
    r.engine.changed('c1'); // nothing new: the baseline message stays quiet
    assert.deepEqual(r.written, []);
    r.engine.add('c2', { senderName: 'alice', body: 'lunch?' });
    r.engine.changed('c2');
    assert.deepEqual(r.written, ['\x07\x1b]777;notify;alice;lunch?\x1b\\']);
    r.engine.changed('c2'); // the same message is not announced twice
    assert.equal(r.written.length, 1);
  });

  it('writes OSC 99 under kitty and nothing inside tmux without passthrough', () => {
    const kitty = rig({ desktop: 'auto' }, { TERM: 'xterm-kitty' });
    kitty.engine.add('c2', { body: 'x' });
    kitty.engine.changed('c2');
    assert.deepEqual(kitty.written, ['\x1b]99;i=natter1:d=0;bob\x1b\\\x1b]99;i=natter1:d=1:p=body;x\x1b\\']);
    const tmux = rig({ desktop: 'auto', bell: false }, { TERM: 'tmux-256color', TMUX: '/tmp/t,1,0' });
    tmux.engine.add('c2', { body: 'x' });
    tmux.engine.changed('c2');
    assert.deepEqual(tmux.written, []);
  });

  it('is quiet for own, historical and on-screen messages while focused; not once focus is lost', () => {
    const r = rig({ bell: true });
    r.engine.add('c1', { direction: 'out', body: 'mine' });
    r.engine.add('c1', { body: 'old', sentAt: NOW - 60 * 60 * 1000 });
    r.engine.add('c1', { body: 'seen on screen' });
    r.engine.changed('c1');
    assert.deepEqual(r.written, []);
    r.watcher.setFocused(false);
    r.engine.add('c1', { body: 'while away' });
    r.engine.changed('c1');
    assert.deepEqual(r.written, ['\x07']);
  });

  it('private mode never writes or hands over the message text', () => {
    const r = rig({ private: true, bell: true, desktop: 'osc777', command: ['hook'] });
    r.show(undefined);
    r.engine.add('c1', { body: 'the launch code is 1234' });
    r.engine.add('c2', { senderName: 'alice', body: 'my password is hunter2' });
    r.engine.changed('c1', 'c2');
    const all = r.written.join('') + JSON.stringify(r.commands);
    assert.ok(!all.includes('1234') && !all.includes('hunter2'), all);
    assert.deepEqual(r.written, ['\x07\x1b]777;notify;natter;new message in #natter\x1b\\\x1b]777;notify;natter;new message from alice\x1b\\']);
    assert.deepEqual(r.commands.map((c) => c.vars.body), ['new message in #natter', 'new message from alice']);
  });

  it('follows the conversation level stored by /notify and the keywords', () => {
    const r = rig({ level: 'mentions', bell: true, keywords: ['deploy'], command: ['hook', '--flag'] });
    r.show(undefined);
    r.engine.add('c1', { body: 'chatter' });
    r.engine.changed('c1');
    assert.deepEqual(r.written, []);
    r.engine.add('c1', { body: 'deploy is done' });
    r.engine.changed('c1');
    assert.deepEqual(r.written, ['\x07']);
    assert.deepEqual(r.commands, [{ argv: ['hook', '--flag'], vars: { title: 'bob in #natter', body: 'deploy is done', account: 'net', conversation: '#natter', mention: true } }]);
    r.engine.convs.get('c2')!.ext = { notify: 'none' };
    r.engine.add('c2', { body: 'direct but muted' });
    r.engine.changed('c2');
    assert.equal(r.written.length, 1);
  });

  it('sums up a burst in one notification', () => {
    const r = rig({ desktop: 'osc9' });
    r.show(undefined);
    for (let i = 0; i < 5; i++) r.engine.add('c1', { body: `m${i}` });
    r.engine.changed('c1');
    assert.deepEqual(r.written, ['\x1b]9;natter: 5 new messages\x1b\\']);
  });

  it('does nothing after stop', () => {
    const r = rig({ bell: true });
    r.watcher.stop();
    r.engine.add('c2', { body: 'x' });
    r.engine.changed('c2');
    assert.deepEqual(r.written, []);
  });
});
