/**
 * A minimal IRC client written straight on a TCP socket (RFC 1459/2812 lines), with no natter code in it: the
 * independent peer and witness of the integration tests. It sends whatever bytes it is told (hostile ones included)
 * and records every line it receives.
 */
import { connect, type Socket } from 'node:net';

export class RawIrcClient {
  readonly lines: string[] = [];
  private buffer = '';
  private readonly listeners = new Set<(line: string) => void>();

  private constructor(private readonly socket: Socket, readonly nick: string) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const parts = (this.buffer + chunk).split('\r\n');
      this.buffer = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        for (const l of this.listeners) l(line);
        const ping = /^PING (.*)$/.exec(line);
        if (ping) this.raw(`PONG ${ping[1]}`);
      }
    });
    socket.on('error', () => {});
  }

  static connect(host: string, port: number, nick: string, timeoutMs = 15_000): Promise<RawIrcClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const client = new RawIrcClient(socket, nick);
      const timer = setTimeout(() => reject(new Error(`raw client ${nick}: no welcome within ${timeoutMs} ms; got ${client.lines.slice(-5).join(' | ')}`)), timeoutMs);
      socket.once('connect', () => {
        client.raw(`NICK ${nick}`);
        client.raw(`USER ${nick} 0 * :raw test client`);
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      const poll = setInterval(() => {
        if (client.lines.some((l) => / 001 /.test(l))) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(client);
        }
      }, 10);
    });
  }

  raw(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Calls `listener` for every line received from now on (cheaper than re-reading `lines` in a loop). */
  onLine(listener: (line: string) => void): void {
    this.listeners.add(listener);
  }

  /** Writes bytes as they are (many lines at once, for floods). */
  write(data: string): void {
    this.socket.write(data);
  }

  join(channel: string): void {
    this.raw(`JOIN ${channel}`);
  }

  privmsg(target: string, text: string): void {
    this.raw(`PRIVMSG ${target} :${text}`);
  }

  /** How many PRIVMSGs to `target` containing `text` this client received. */
  count(target: string, text: string): number {
    return this.lines.filter((l) => {
      const m = /^(?:@\S+ )?:\S+ PRIVMSG (\S+) :(.*)$/.exec(l);
      return m && m[1]!.toLowerCase() === target.toLowerCase() && m[2]!.includes(text);
    }).length;
  }

  close(): void {
    try {
      this.raw('QUIT :bye');
    } catch {
      // already closed
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 200).unref();
  }
}
