// The SOCKS5 client (src/core/net/socks5.ts) against the loopback SOCKS5 test server and against scripted byte
// streams: name resolution left to the proxy, every reply code in plain words, RFC 1929 login, split reads, leftovers.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parseProxyUrl, type ProxyConfig } from '../../../src/core/net/proxy.js';
import { connectViaProxy, ipv6Bytes, ProxyError, socks5Handshake } from '../../../src/core/net/socks5.js';
import { freePort } from '../../harness/server-kit.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';

/** A loopback server that upper-cases what it receives and greets first with "HELLO\n". */
let echo: Server;
let echoPort: number;
before(async () => {
  echo = createServer((s) => {
    s.write('HELLO\n');
    s.on('data', (d) => s.write(d.toString().toUpperCase()));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
});
after(() => new Promise<void>((r) => echo.close(() => r())));

const proxyOf = (s: Socks5Server): ProxyConfig => parseProxyUrl(s.url) as ProxyConfig;

/** Reads from a socket until `text` arrived (the greeting and the echo may come in any chunking). */
function readUntil(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" in ${JSON.stringify(got)}`)), 10_000);
    socket.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes(text)) {
        clearTimeout(timer);
        resolve(got);
      }
    });
    socket.resume();
  });
}

async function rejection(p: Promise<unknown>): Promise<ProxyError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProxyError, `not a ProxyError: ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('connectViaProxy through a real SOCKS5 server', () => {
  it('hands a host name to the proxy (DOMAIN) and relays bytes both ways', async () => {
    // ".invalid" never resolves locally (RFC 6761): the connection only works because the proxy resolved it.
    const proxy = await startSocks5Server({ hosts: { 'echo.natter.invalid': '127.0.0.1' } });
    try {
      const socket = await connectViaProxy(proxyOf(proxy), 'echo.natter.invalid', echoPort);
      const greeting = readUntil(socket, 'PING');
      socket.write('ping');
      assert.match(await greeting, /^HELLO\n.*PING/s);
      socket.destroy();
      assert.deepEqual(proxy.requests, [{ addressType: 'domain', host: 'echo.natter.invalid', port: echoPort }]);
    } finally {
      await proxy.stop();
    }
  });

  it('sends IPv4 literals as addresses, not names', async () => {
    const proxy = await startSocks5Server();
    try {
      const socket = await connectViaProxy(proxyOf(proxy), '127.0.0.1', echoPort);
      await readUntil(socket, 'HELLO');
      socket.destroy();
      assert.deepEqual(proxy.requests, [{ addressType: 'ipv4', host: '127.0.0.1', port: echoPort }]);
    } finally {
      await proxy.stop();
    }
  });

  const replies: Array<[number, string]> = [
    [0x01, 'the proxy failed while connecting to irc.example.org (general SOCKS server failure)'],
    [0x02, 'the proxy does not allow connections to irc.example.org (refused by its rules)'],
    [0x03, 'the proxy could not reach irc.example.org: network unreachable'],
    [0x04, 'the proxy could not reach irc.example.org: host unreachable'],
    [0x05, 'the proxy could not reach irc.example.org: connection refused'],
    [0x06, 'the proxy could not reach irc.example.org: TTL expired'],
    [0x07, 'the proxy does not support connecting to a server (command not supported)'],
    [0x08, 'the proxy does not accept host names such as irc.example.org (address type not supported); natter never looks names up itself while a proxy is set'],
    [0xf0, 'the proxy could not reach irc.example.org: onion service descriptor not found'],
    [0xf6, 'the proxy could not reach irc.example.org: invalid onion address'],
    [0x42, 'the proxy refused the connection to irc.example.org (reply code 0x42)'],
  ];
  for (const [code, words] of replies) {
    it(`reply 0x${code.toString(16).padStart(2, '0')} becomes plain words`, async () => {
      const proxy = await startSocks5Server({ reply: () => code });
      try {
        const e = await rejection(connectViaProxy(proxyOf(proxy), 'irc.example.org', 6697));
        assert.equal(e.code, 'PROXY_REPLY');
        assert.equal(e.reply, code);
        assert.equal(e.userMessage, words);
        assert.equal(e.message, words);
        assert.deepEqual(proxy.requests, [{ addressType: 'domain', host: 'irc.example.org', port: 6697 }]);
      } finally {
        await proxy.stop();
      }
    });
  }

  it('a name the proxy cannot resolve is "host unreachable", never a local lookup', async () => {
    const proxy = await startSocks5Server({ hosts: {} });
    try {
      const e = await rejection(connectViaProxy(proxyOf(proxy), 'irc.natter.invalid', 6667));
      assert.equal(e.userMessage, 'the proxy could not reach irc.natter.invalid: host unreachable');
    } finally {
      await proxy.stop();
    }
  });

  it('logs in with user name and password (RFC 1929), including non-ASCII and URL-escaped ones', async () => {
    const auth = { username: 'tor user', password: 'pä:ss@wörd' };
    const proxy = await startSocks5Server({ auth, hosts: { 'echo.natter.invalid': '127.0.0.1' } });
    try {
      const config = proxyOf(proxy);
      assert.deepEqual({ username: config.username, password: config.password }, auth);
      const socket = await connectViaProxy(config, 'echo.natter.invalid', echoPort);
      await readUntil(socket, 'HELLO');
      socket.destroy();
      assert.deepEqual(proxy.logins, ['tor user']);
      assert.equal(proxy.requests[0]!.username, 'tor user');
    } finally {
      await proxy.stop();
    }
  });

  it('a wrong password is refused in plain words', async () => {
    const proxy = await startSocks5Server({ auth: { username: 'u', password: 'right' } });
    try {
      const e = await rejection(connectViaProxy({ ...proxyOf(proxy), password: 'wrong' }, 'irc.example.org', 6697));
      assert.equal(e.code, 'PROXY_AUTH');
      assert.equal(e.userMessage, `the proxy socks5://127.0.0.1:${proxy.port} refused the user name and password`);
      assert.ok(!e.userMessage.includes('wrong'), 'the password is not in the message');
      assert.deepEqual(proxy.requests, [], 'no CONNECT after a refused login');
    } finally {
      await proxy.stop();
    }
  });

  it('a proxy that needs a login says so when the URL has none', async () => {
    const proxy = await startSocks5Server({ auth: { username: 'u', password: 'p' } });
    try {
      const e = await rejection(connectViaProxy({ protocol: 'socks5', host: '127.0.0.1', port: proxy.port }, 'irc.example.org', 6697));
      assert.equal(e.code, 'PROXY_AUTH');
      assert.match(e.userMessage, /requires a login: put user:password@ before the host in the proxy URL$/);
    } finally {
      await proxy.stop();
    }
  });

  it('credentials still work with a proxy that wants no login', async () => {
    const proxy = await startSocks5Server({ hosts: { 'echo.natter.invalid': '127.0.0.1' } });
    try {
      const socket = await connectViaProxy({ ...proxyOf(proxy), username: 'iso', password: 'x' }, 'echo.natter.invalid', echoPort);
      await readUntil(socket, 'HELLO');
      socket.destroy();
      assert.deepEqual(proxy.logins, []);
    } finally {
      await proxy.stop();
    }
  });

  it('survives a handshake written one byte at a time (with login)', async () => {
    const proxy = await startSocks5Server({ splitWrites: true, auth: { username: 'u', password: 'p' }, hosts: { 'echo.natter.invalid': '127.0.0.1' } });
    try {
      const socket = await connectViaProxy(proxyOf(proxy), 'echo.natter.invalid', echoPort);
      const got = readUntil(socket, 'ABC');
      socket.write('abc');
      assert.match(await got, /HELLO/);
      socket.destroy();
    } finally {
      await proxy.stop();
    }
  });

  it('an unreachable proxy is named, without its credentials', async () => {
    const port = await freePort();
    const e = await rejection(connectViaProxy({ protocol: 'socks5', host: '127.0.0.1', port, username: 'u', password: 'secret' }, 'irc.example.org', 6697));
    assert.equal(e.code, 'PROXY_UNREACHABLE');
    assert.equal(e.userMessage, `the proxy socks5://127.0.0.1:${port} is not reachable: connection refused`);
  });

  it('a silent proxy runs into the time limit', async () => {
    const proxy = await startSocks5Server({ silent: true });
    try {
      const e = await rejection(connectViaProxy(proxyOf(proxy), 'irc.example.org', 6697, { timeoutMs: 300 }));
      assert.equal(e.code, 'PROXY_TIMEOUT');
      assert.equal(e.userMessage, `the proxy socks5://127.0.0.1:${proxy.port} did not answer in time`);
    } finally {
      await proxy.stop();
    }
  });

  it('a cancelled attempt rejects at once', async () => {
    const proxy = await startSocks5Server({ silent: true });
    try {
      const abort = new AbortController();
      const p = connectViaProxy(proxyOf(proxy), 'irc.example.org', 6697, { signal: abort.signal });
      abort.abort();
      assert.equal((await rejection(p)).code, 'PROXY_ABORTED');
    } finally {
      await proxy.stop();
    }
  });

  it('something that is not a SOCKS5 proxy is called that', async () => {
    const http = createServer((s) => {
      s.on('error', () => {});
      s.resume(); // reads the client's close, so that close() below can finish
      s.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    try {
      const e = await rejection(connectViaProxy({ protocol: 'socks5', host: '127.0.0.1', port }, 'irc.example.org', 6697));
      assert.equal(e.code, 'PROXY_PROTOCOL');
      assert.equal(e.userMessage, `socks5://127.0.0.1:${port} is not a SOCKS5 proxy (it answered something else)`);
    } finally {
      await new Promise<void>((r) => http.close(() => r()));
    }
  });
});

/** A stream whose incoming bytes the test pushes in chosen chunks, recording what the client writes. */
class Scripted extends Duplex {
  readonly written: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.written.push(chunk);
    cb();
  }
  override _read(): void {}
}

describe('socks5Handshake on a scripted stream', () => {
  const proxy: ProxyConfig = { protocol: 'socks5', host: '127.0.0.1', port: 9050, username: 'alice', password: 'pw' };

  it('writes the exact RFC 1928/1929 bytes and reassembles answers split at every byte', async () => {
    const s = new Scripted();
    const done = socks5Handshake(s, proxy, 'irc.example.org', 6697);
    // Method 0x02, login ok, then a reply with a DOMAIN bound address, each byte in its own chunk.
    const answer = [5, 2, 1, 0, 5, 0, 0, 3, 4, ...Buffer.from('host'), 0x1a, 0x2b];
    for (const b of answer) {
      s.push(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    await done;
    const name = Buffer.from('irc.example.org');
    assert.deepEqual(s.written.map((b) => [...b]), [
      [5, 2, 0x00, 0x02],
      [1, 5, ...Buffer.from('alice'), 2, ...Buffer.from('pw')],
      [5, 1, 0, 3, name.length, ...name, 6697 >> 8, 6697 & 0xff],
    ]);
  });

  it('keeps bytes of the target that arrive in the same chunk as the reply', async () => {
    const s = new Scripted();
    const done = socks5Handshake(s, { protocol: 'socks5', host: '127.0.0.1', port: 9050 }, '::1', 6667);
    s.push(Buffer.from([5, 0]));
    s.push(Buffer.concat([Buffer.from([5, 0, 0, 4, ...Buffer.alloc(16), 0, 80]), Buffer.from(':irc NOTICE * :hi\r\n')]));
    await done;
    assert.deepEqual([...s.written[1]!], [5, 1, 0, 4, ...Buffer.alloc(15), 1, 6667 >> 8, 6667 & 0xff]);
    const first = await new Promise<string>((resolve) => {
      s.once('data', (d: Buffer) => resolve(d.toString()));
      s.resume();
    });
    assert.equal(first, ':irc NOTICE * :hi\r\n');
  });

  it('a stream that ends mid-handshake is a plain-words error', async () => {
    const s = new Scripted();
    const done = socks5Handshake(s, proxy, 'irc.example.org', 6697);
    s.push(Buffer.from([5]));
    s.push(null);
    s.resume();
    const e = await rejection(done);
    assert.equal(e.userMessage, 'the proxy socks5://127.0.0.1:9050 closed the connection during the SOCKS5 handshake');
  });

  it('a reply with an unknown address type is refused', async () => {
    const s = new Scripted();
    const done = socks5Handshake(s, { protocol: 'socks5', host: '127.0.0.1', port: 9050 }, 'a.example', 1);
    s.push(Buffer.from([5, 0, 5, 0, 0, 9]));
    assert.match((await rejection(done)).userMessage, /sent a reply natter cannot read \(address type 9\)/);
  });

  it('refuses host names longer than 255 bytes before writing a request', async () => {
    const s = new Scripted();
    const e = await rejection(socks5Handshake(s, proxy, `${'a'.repeat(250)}.example`, 1));
    assert.equal(e.code, 'PROXY_PROTOCOL');
    assert.deepEqual(s.written, []);
  });
});

describe('ipv6Bytes', () => {
  const table: Array<[string, string]> = [
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['2001:db8::8:800:200c:417a', '20010db8000000000008080020 0c417a'.replace(' ', '')],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
    ['::ffff:192.0.2.128', '00000000000000000000ffffc0000280'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
  ];
  for (const [text, hex] of table) it(text, () => assert.equal(ipv6Bytes(text).toString('hex'), hex));
});
