// The proxy keys of the config file: `[network] proxy` for every account, an account's own `proxy` overriding it,
// "none", malformed URLs reported with file:line:key, and what the app hands the adapter (no password in the config).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { accountRuntime } from '../../../src/app/open-session.js';
import { loadConfig } from '../../../src/config/load.js';
import { CONFIG_KEYS } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/core/errors.js';
import { repoRoot, writeConfig } from './helpers.js';

const irc = (name: string, extra = '') => `[[accounts]]\nname = "${name}"\nprotocol = "irc"\nhost = "irc.example.org"\nnick = "alice"\n${extra}`;

function configError(toml: string): ConfigError {
  const file = writeConfig(toml);
  try {
    loadConfig(file, { required: true });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    assert.ok(e.userMessage.startsWith(`${file}:`), e.userMessage);
    return e;
  }
  assert.fail('expected a ConfigError');
}

describe('config: proxy', () => {
  it('[network] proxy applies to every account; an account overrides it or says "none"', () => {
    const config = loadConfig(
      writeConfig(
        '[network]\nproxy = "socks5://127.0.0.1:9050"\n\n' +
          irc('global') +
          '\n' +
          irc('own', 'proxy = "socks5://isolate:pw@127.0.0.1:9150"\n') +
          '\n' +
          irc('direct', 'proxy = "none"\n'),
      ),
      { required: true },
    );
    const [global, own, direct] = config.accounts;
    assert.deepEqual(global!.proxy, { protocol: 'socks5', host: '127.0.0.1', port: 9050 });
    assert.deepEqual(own!.proxy, { protocol: 'socks5', host: '127.0.0.1', port: 9150, username: 'isolate', password: 'pw' });
    assert.equal(direct!.proxy, undefined);
    assert.ok(!('proxy' in global!.settings), 'proxy is a common key, not a protocol setting');
  });

  it('no proxy anywhere: accounts have none', () => {
    const config = loadConfig(writeConfig(irc('plain')), { required: true });
    assert.equal(config.accounts[0]!.proxy, undefined);
  });

  it('a malformed global proxy names file, line and key, without repeating the URL', () => {
    const e = configError('[ui]\ntimestamps = true\n\n[network]\nproxy = "http://user:hunter2@127.0.0.1:8080"\n');
    assert.equal(e.line, 5);
    assert.equal(e.key, 'network.proxy');
    assert.match(e.problem, /uses the scheme http:\/\/, but only SOCKS5 proxies are supported/);
    assert.ok(!e.userMessage.includes('hunter2'), 'the password in the bad URL is not echoed');
  });

  it('a malformed account proxy names the account key and line', () => {
    const e = configError(irc('a') + '\n' + irc('b', 'proxy = "socks5://127.0.0.1:70000"\n'));
    assert.equal(e.key, 'accounts[1].proxy');
    assert.equal(e.line, 12);
    assert.match(e.problem, /port outside 1–65535|not a valid URL/);
  });

  it('a proxy that is not a string, and an unknown key in [network], are explained', () => {
    const notString = configError('[network]\nproxy = 9050\n');
    assert.equal(notString.key, 'network.proxy');
    assert.match(notString.problem, /must be a SOCKS5 proxy URL such as "socks5:\/\/127\.0\.0\.1:9050", or "none", not an integer/);
    const typo = configError('[network]\nproxi = "socks5://127.0.0.1:9050"\n');
    assert.equal(typo.key, 'network.proxi');
    assert.match(typo.problem, /did you mean 'proxy'\?/);
  });

  it('a world-readable config with a proxy password gets the chmod warning', () => {
    const config = loadConfig(writeConfig('[network]\nproxy = "socks5://u:secret@127.0.0.1:9050"\n' + irc('x'), 0o644), { required: true });
    assert.ok(config.warnings.some((w) => /contains a password and can be read by other users/.test(w)), config.warnings.join('\n'));
  });

  it('the adapter gets the proxy without its password in config, and the password as the secret proxy_password', async () => {
    const config = loadConfig(writeConfig('[network]\nproxy = "socks5://tor:s3cret@127.0.0.1:9050"\n' + irc('x')), { required: true });
    const rt = accountRuntime(config.accounts[0]!);
    assert.deepEqual(rt.config.proxy, { protocol: 'socks5', host: '127.0.0.1', port: 9050, username: 'tor' });
    assert.ok(!JSON.stringify(rt.config).includes('s3cret'));
    assert.equal(await rt.secret('proxy_password'), 's3cret');
    assert.ok(rt.factory, 'IRC can use a proxy');
  });

  it('email accounts connect through the proxy (IMAP and SMTP go through it)', () => {
    const email = '[[accounts]]\nname = "m"\nprotocol = "email"\naddress = "alice@example.org"\n';
    const behind = accountRuntime(loadConfig(writeConfig('[network]\nproxy = "socks5://127.0.0.1:9050"\n' + email), { required: true }).accounts[0]!);
    assert.ok(behind.factory);
    assert.equal(behind.unavailable, undefined);
    assert.deepEqual(behind.config.proxy, { protocol: 'socks5', host: '127.0.0.1', port: 9050 });
    const direct = accountRuntime(loadConfig(writeConfig('[network]\nproxy = "socks5://127.0.0.1:9050"\n' + email + 'proxy = "none"\n'), { required: true }).accounts[0]!);
    assert.ok(direct.factory, '"none" connects it directly');
    assert.equal(direct.config.proxy, undefined);
  });

  it('matrix accounts connect through the proxy (their fetch goes through it)', () => {
    const matrix = '[[accounts]]\nname = "m"\nprotocol = "matrix"\nuser = "@alice:example.org"\n';
    const behind = accountRuntime(loadConfig(writeConfig('[network]\nproxy = "socks5://127.0.0.1:9050"\n' + matrix), { required: true }).accounts[0]!);
    assert.ok(behind.factory);
    assert.equal(behind.unavailable, undefined);
  });

  it('config.example.toml documents [network] proxy and the account key', () => {
    const text = readFileSync(join(repoRoot, 'config.example.toml'), 'utf8');
    const network = text.slice(text.indexOf('[network]'), text.indexOf('[[accounts]]'));
    for (const key of CONFIG_KEYS.network) assert.match(network, new RegExp(`^#?\\s*${key}\\s*=`, 'm'));
    assert.ok(CONFIG_KEYS.common.includes('proxy'));
  });
});
