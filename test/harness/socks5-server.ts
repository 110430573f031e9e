/**
 * A SOCKS5 server (RFC 1928, with RFC 1929 username/password login) on loopback for tests. It records every CONNECT
 * request (address type, host, port, login) and relays the connection to the real target.
 *
 * Host names are resolved only from the `hosts` table given to the server (e.g. "irc.natter.test" → 127.0.0.1), never
 * through DNS: a name outside the table gets reply 0x04 (host unreachable). So a test that reaches a server by a name
 * only this table knows proves that the client let the proxy resolve it (address type DOMAIN), not the local resolver.
 * Targets are restricted to loopback addresses.
 */
import { createServer, connect as netConnect, isIP, type Server, type Socket } from 'node:net';

export interface Socks5Request {
  addressType: 'ipv4' | 'domain' | 'ipv6';
  host: string;
  port: number;
  /** The RFC 1929 user name the client logged in with, if any. */
  username?: string;
}

export interface Socks5ServerOptions {
  /** Names this proxy resolves, to loopback addresses. */
  hosts?: Record<string, string>;
  /** Require this login (RFC 1929); without it the server accepts "no authentication" only. */
  auth?: { username: string; password: string };
  /** Answer a CONNECT with this reply code instead of relaying (0x00 is never returned here). */
  reply?: (request: Socks5Request) => number | undefined;
  /** Write every byte of the server's handshake answers separately, with a pause (tests the client's reassembly). */
  splitWrites?: boolean;
  /** Stay silent after the greeting (tests the client's time limit). */
  silent?: boolean;
  /** Listen on this loopback port (default: a free one). */
  port?: number;
}

export interface Socks5Server {
  host: '127.0.0.1';
  port: number;
  /** `socks5://127.0.0.1:<port>`, with the login when `auth` was given. */
  url: string;
  /** Every CONNECT request, in order. */
  requests: Socks5Request[];
  /** Login attempts (user names), successful or not. */
  logins: string[];
  /** Open relayed connections. */
  readonly open: number;
  stop(): Promise<void>;
}

export async function startSocks5Server(options: Socks5ServerOptions = {}): Promise<Socks5Server> {
  const requests: Socks5Request[] = [];
  const logins: string[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    client.setNoDelay(true);
    void serve(client).catch(() => client.destroy());
  });

  async function answer(client: Socket, bytes: number[] | Buffer): Promise<void> {
    const b = Buffer.from(bytes);
    if (!options.splitWrites) {
      client.write(b);
      return;
    }
    for (const byte of b) {
      client.write(Buffer.from([byte]));
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  async function serve(client: Socket): Promise<void> {
    const read = reader(client);
    const [ver, n] = await read(2);
    if (ver !== 5) return void client.destroy();
    const methods = [...(await read(n!))];
    if (options.silent) return;
    const wanted = options.auth ? 0x02 : 0x00;
    if (!methods.includes(wanted)) {
      await answer(client, [5, 0xff]);
      return void client.end();
    }
    await answer(client, [5, wanted]);
    let username: string | undefined;
    if (options.auth) {
      const [, ulen] = await read(2);
      username = (await read(ulen!)).toString('utf8');
      const [plen] = await read(1);
      const password = (await read(plen!)).toString('utf8');
      logins.push(username);
      if (username !== options.auth.username || password !== options.auth.password) {
        await answer(client, [1, 1]);
        return void client.end();
      }
      await answer(client, [1, 0]);
    }
    const [, cmd, , atyp] = await read(4);
    let request: Socks5Request;
    if (atyp === 1) request = { addressType: 'ipv4', host: [...(await read(4))].join('.'), port: 0 };
    else if (atyp === 3) request = { addressType: 'domain', host: (await read((await read(1))[0]!)).toString('utf8'), port: 0 };
    else if (atyp === 4) {
      const b = await read(16);
      request = { addressType: 'ipv6', host: Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16)).join(':'), port: 0 };
    } else {
      await answer(client, [5, 0x08, 0, 1, 0, 0, 0, 0, 0, 0]);
      return void client.end();
    }
    request.port = (await read(2)).readUInt16BE(0);
    if (username !== undefined) request.username = username;
    requests.push(request);
    const fail = async (code: number) => {
      await answer(client, [5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
      client.end();
    };
    if (cmd !== 1) return fail(0x07);
    const forced = options.reply?.(request);
    if (forced !== undefined) return fail(forced);
    const address = request.addressType === 'domain' ? options.hosts?.[request.host.toLowerCase()] : request.host;
    if (!address) return fail(0x04);
    if (!(address === '::1' || address === '0:0:0:0:0:0:0:1' || (isIP(address) === 4 && address.startsWith('127.')))) return fail(0x02);
    const upstream = netConnect({ host: address, port: request.port });
    let connected = false;
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected) void fail(e.code === 'ECONNREFUSED' ? 0x05 : 0x01);
      else client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      open++;
      const reply = Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]);
      reply.writeUInt16BE(upstream.localPort ?? 0, 8);
      void answer(client, reply).then(() => {
        const rest = read.rest();
        if (rest.length) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      const done = () => {
        upstream.destroy();
        client.destroy();
      };
      upstream.once('close', () => {
        open--;
        done();
      });
      client.once('close', done);
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const login = options.auth ? `${encodeURIComponent(options.auth.username)}:${encodeURIComponent(options.auth.password)}@` : '';
  return {
    host: '127.0.0.1',
    port,
    url: `socks5://${login}127.0.0.1:${port}`,
    requests,
    logins,
    get open() {
      return open;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Exact-length reads from a socket during the handshake; `rest()` stops reading and returns what is left over. */
function reader(socket: Socket): ((n: number) => Promise<Buffer>) & { rest(): Buffer } {
  let buffer = Buffer.alloc(0);
  let waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  const pump = () => {
    if (waiting && buffer.length >= waiting.n) {
      const w = waiting;
      waiting = undefined;
      const out = buffer.subarray(0, w.n);
      buffer = buffer.subarray(w.n);
      w.resolve(out);
    }
  };
  const onData = (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    pump();
  };
  const onClose = () => waiting?.reject(new Error('closed'));
  socket.on('data', onData);
  socket.on('close', onClose);
  const read = (n: number) =>
    new Promise<Buffer>((resolve, reject) => {
      waiting = { n, resolve, reject };
      pump();
    });
  return Object.assign(read, {
    rest: () => {
      socket.pause();
      socket.off('data', onData);
      socket.off('close', onClose);
      const out = buffer;
      buffer = Buffer.alloc(0);
      return out;
    },
  });
}
