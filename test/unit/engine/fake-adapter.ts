/**
 * A scripted adapter for engine unit tests: the test decides when the connection is up and how each send ends.
 * (The real adapters are tested against real servers in the integration tier.)
 */
import type { Adapter, AdapterContext, AdapterEvent, Capabilities, HistoryPage, OutgoingMessage, SendResult } from '../../../src/core/contract.js';

export class FakeAdapter implements Adapter {
  readonly protocol = 'irc' as const;
  capabilities: Capabilities = {
    edits: false, reactions: false, replies: false, retraction: false, receipts: false, typing: true,
    history: true, e2ee: false, uploads: false, presence: true, threads: false, messageIds: true,
  };
  ctx?: AdapterContext;
  sent: OutgoingMessage[] = [];
  /** Decides how the next send ends; default: accepted with a fresh remote id. */
  onSend: (m: OutgoingMessage) => Promise<SendResult> = async (m) => ({ state: 'sent', remoteId: `r-${m.localId}` });
  history_: HistoryPage = { messages: [] };
  stopped = false;
  commands: Array<{ name: string; args: string[]; target?: string }> = [];

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  emit(event: AdapterEvent): void {
    this.ctx!.emit(event);
  }
  online(self = 'me'): void {
    this.emit({ type: 'connection', state: 'online', self });
  }
  offline(): void {
    this.emit({ type: 'connection', state: 'offline', detail: 'connection lost' });
  }
  async send(m: OutgoingMessage): Promise<SendResult> {
    this.sent.push(m);
    return this.onSend(m);
  }
  async join(address: string): Promise<void> {
    this.emit({ type: 'conversation', conversation: { remoteId: address, kind: 'channel', joined: true } });
  }
  async leave(remoteId: string): Promise<void> {
    this.emit({ type: 'conversation', conversation: { remoteId, kind: 'channel', joined: false } });
  }
  async history(): Promise<HistoryPage> {
    return this.history_;
  }
  async command(name: string, args: string[], target?: string): Promise<void> {
    this.commands.push({ name, args, target });
  }
  setTyping?: (remoteId: string, active: boolean) => Promise<void>;
  normalize(address: string): string {
    return address.toLowerCase();
  }
}
