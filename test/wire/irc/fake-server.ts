/**
 * A scripted IRC server on loopback for wire-fixture tests: it records every frame the adapter sends and lets the
 * test feed raw lines back. By default it runs a minimal registration (CAP LS/REQ/ACK, 001, 005, MOTD end).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

export interface FakeOptions {
  /** Caps offered in CAP LS (ACKed when requested). */
  caps?: string[];
  /** Extra ISUPPORT tokens. */
  isupport?: string[];
  /** Nicks answered with 433 during registration. */
  takenNicks?: string[];
  /** Skip the automatic registration replies. */
  manual?: boolean;
}

export class FakeConnection {
  readonly frames: string[] = [];
  nick = '';
  private waiters: Array<{ re: RegExp; from: number; resolve: (l: string) => void }> = [];
  closed = false;

  constructor(readonly socket: Socket, private readonly onFrame: (c: FakeConnection, line: string) => void) {
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\r\n')) !== -1) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        this.frames.push(line);
        this.onFrame(this, line);
        for (const w of [...this.waiters]) {
          if (this.frames.length - 1 >= w.from && w.re.test(line)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  /** Sends raw lines (CRLF appended) or raw bytes. */
  send(...lines: Array<string | Buffer>): void {
    for (const l of lines) {
      if (typeof l === 'string') this.socket.write(l.replace(/\$nick/g, this.nick) + '\r\n');
      else this.socket.write(l);
    }
  }

  /** Sends every non-empty, non-comment line of a fixture file under test/fixtures/irc/. */
  sendFixture(name: string, vars: Record<string, string> = {}): void {
    for (const line of fixture(name, vars)) this.send(line);
  }

  /** Resolves with the first frame (at index ≥ from) matching `re`. */
  waitFor(re: RegExp, timeoutMs = 5000, from = 0): Promise<string> {
    const found = this.frames.slice(from).find((f) => re.test(f));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const w = { re, from, resolve: (l: string) => (clearTimeout(t), resolve(l)) };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no frame matching ${re} within ${timeoutMs} ms; frames:\n${this.frames.join('\n')}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Round trip: everything the adapter sent before our PING has been received once the PONG arrives. */
  async sync(): Promise<void> {
    const token = `sync${Math.random().toString(36).slice(2)}`;
    const from = this.frames.length;
    this.send(`PING :${token}`);
    await this.waitFor(new RegExp(`^PONG .*${token}`), 5000, from);
  }

  close(): void {
    this.socket.destroy();
  }
}

const FIXTURES = new URL('../../../../test/fixtures/irc/', import.meta.url);

export function fixture(name: string, vars: Record<string, string> = {}): string[] {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/\$(\w+)/g, (m, k: string) => vars[k] ?? m).replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
}

export class FakeIrcServer {
  readonly connections: FakeConnection[] = [];
  private server!: Server;
  port = 0;
  private waiters: Array<(c: FakeConnection) => void> = [];

  constructor(readonly options: FakeOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((socket) => {
      const c = new FakeConnection(socket, (conn, line) => this.script(conn, line));
      this.connections.push(c);
      for (const w of this.waiters.splice(0)) w(c);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  /** The n-th connection (0-based), waiting for it if needed. */
  connection(n = 0, timeoutMs = 10_000): Promise<FakeConnection> {
    if (this.connections[n]) return Promise.resolve(this.connections[n]!);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`connection #${n} did not arrive`)), timeoutMs);
      const check = () => {
        if (this.connections[n]) {
          clearTimeout(t);
          resolve(this.connections[n]!);
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  private script(c: FakeConnection, line: string): void {
    if (this.options.manual) return;
    const caps = this.options.caps ?? [];
    const [cmd, ...rest] = line.replace(/^@\S+ /, '').split(' ');
    if (cmd === 'CAP' && rest[0] === 'LS') c.send(`:irc.test CAP * LS :${caps.join(' ')}`);
    else if (cmd === 'CAP' && rest[0] === 'REQ') {
      const wanted = line.slice(line.indexOf(':') + 1).split(' ').filter((x) => caps.some((cap) => cap.split('=')[0] === x));
      c.send(`:irc.test CAP * ACK :${wanted.join(' ')}`);
    } else if (cmd === 'NICK') {
      const nick = rest[0] ?? '';
      if (!c.nick && (this.options.takenNicks ?? []).includes(nick)) c.send(`:irc.test 433 * ${nick} :Nickname is already in use.`);
      else if (!c.nick) {
        c.nick = nick;
        if (c.frames.some((f) => f === 'CAP END')) this.welcome(c);
      } else {
        c.send(`:${c.nick}!u@h NICK ${nick}`);
        c.nick = nick;
      }
    } else if (cmd === 'CAP' && rest[0] === 'END') {
      if (c.nick) this.welcome(c);
    } else if (cmd === 'PING') c.send(`:irc.test PONG irc.test :${rest.join(' ').replace(/^:/, '')}`);
  }

  private welcome(c: FakeConnection): void {
    c.send(
      `:irc.test 001 ${c.nick} :Welcome to the Test Network ${c.nick}!u@h`,
      `:irc.test 005 ${c.nick} CASEMAPPING=rfc1459 CHANTYPES=# PREFIX=(qaohv)~&@%+ STATUSMSG=~&@%+ CHANMODES=beI,k,l,imnpst ${(this.options.isupport ?? []).join(' ')} :are supported by this server`,
      `:irc.test 376 ${c.nick} :End of /MOTD command.`,
    );
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** The usual IRCv3 cap set of a modern server. */
export const MODERN_CAPS = [
  'server-time', 'message-tags', 'echo-message', 'batch', 'labeled-response', 'account-tag', 'away-notify',
  'extended-join', 'multi-prefix', 'chghost', 'setname', 'userhost-in-names', 'sasl=PLAIN,EXTERNAL',
];
