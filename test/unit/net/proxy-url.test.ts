// Proxy URLs as written in the config file, and how an adapter gets its account's proxy from the context.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redact } from '../../../src/core/logger.js';
import { parseProxyUrl, proxyEndpoint, proxyFromContext, proxyLabel } from '../../../src/core/net/proxy.js';

describe('parseProxyUrl', () => {
  const valid: Array<[string, unknown]> = [
    ['socks5://127.0.0.1:9050', { protocol: 'socks5', host: '127.0.0.1', port: 9050 }],
    ['socks5h://localhost:9150', { protocol: 'socks5', host: 'localhost', port: 9150 }],
    ['SOCKS5://Proxy.Example:1080', { protocol: 'socks5', host: 'proxy.example', port: 1080 }],
    ['socks5://127.0.0.1', { protocol: 'socks5', host: '127.0.0.1', port: 1080 }],
    ['socks5://127.0.0.1:80', { protocol: 'socks5', host: '127.0.0.1', port: 80 }],
    ['socks5://[::1]:9050', { protocol: 'socks5', host: '::1', port: 9050 }],
    ['socks5://user:p%40ss@127.0.0.1:9050', { protocol: 'socks5', host: '127.0.0.1', port: 9050, username: 'user', password: 'p@ss' }],
    ['socks5://isolate@127.0.0.1:9050/', { protocol: 'socks5', host: '127.0.0.1', port: 9050, username: 'isolate', password: '' }],
    ['none', 'none'],
    [' None ', 'none'],
  ];
  for (const [text, expected] of valid) it(`accepts ${text}`, () => assert.deepEqual(parseProxyUrl(text), expected));

  const invalid: Array<[string, RegExp]> = [
    ['127.0.0.1:9050', /has no scheme/],
    ['http://127.0.0.1:8080', /only SOCKS5 proxies are supported/],
    ['socks4://127.0.0.1:1080', /scheme socks4:\/\//],
    ['socks5://127.0.0.1:99999', /is not a valid URL|outside 1–65535/],
    ['socks5://127.0.0.1:0', /outside 1–65535/],
    ['socks5://127.0.0.1:', /empty port/],
    ['socks5://127.0.0.1:9050/path', /must not have a path/],
    ['socks5://:pw@127.0.0.1:9050', /password but no user name/],
    ['socks5://', /is not a valid URL|has no host/],
    ['socks5://a b:1', /is not a valid URL/],
  ];
  for (const [text, problem] of invalid) {
    it(`refuses ${text}`, () => {
      const r = parseProxyUrl(text);
      assert.ok(typeof r === 'object' && 'problem' in r, `accepted: ${JSON.stringify(r)}`);
      assert.match(r.problem, problem);
    });
  }
});

describe('proxy labels and the adapter context', () => {
  it('labels never carry credentials; IPv6 hosts are bracketed', () => {
    assert.equal(proxyLabel({ host: '127.0.0.1', port: 9050 }), 'socks5://127.0.0.1:9050');
    assert.equal(proxyLabel({ host: '::1', port: 9050 }), 'socks5://[::1]:9050');
    const endpoint = proxyEndpoint({ protocol: 'socks5', host: 'h', port: 1, username: 'u', password: 'secret' });
    assert.deepEqual(endpoint, { protocol: 'socks5', host: 'h', port: 1, username: 'u' });
  });

  it('proxyFromContext joins config.proxy and the proxy_password secret, and redacts the password from logs', async () => {
    const asked: string[] = [];
    const ctx = {
      config: { proxy: { protocol: 'socks5', host: '127.0.0.1', port: 9050, username: 'u' } },
      secret: async (name: string) => (asked.push(name), name === 'proxy_password' ? 'hunter2-proxy' : undefined),
    };
    assert.deepEqual(await proxyFromContext(ctx), { protocol: 'socks5', host: '127.0.0.1', port: 9050, username: 'u', password: 'hunter2-proxy' });
    assert.deepEqual(asked, ['proxy_password']);
    assert.equal(redact('login hunter2-proxy'), 'login «redacted»');
  });

  it('no proxy in the config: undefined, and no secret is asked for', async () => {
    const asked: string[] = [];
    const secret = async (name: string) => (asked.push(name), undefined);
    assert.equal(await proxyFromContext({ config: {}, secret }), undefined);
    assert.equal(await proxyFromContext({ config: { proxy: { host: '127.0.0.1', port: 9050 } }, secret }).then((p) => p?.password), undefined);
    assert.deepEqual(asked, []);
  });
});
