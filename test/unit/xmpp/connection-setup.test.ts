import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOptions } from '../../../adapters/xmpp/options.js';
import { chooseMechanism, SaslChoiceError, ScramSha256 } from '../../../adapters/xmpp/sasl-mechanisms.js';
import { NoServiceError, orderSrv, resolveEndpoints, serviceUri } from '../../../adapters/xmpp/srv.js';
import { startDnsServer } from '../../harness/dns-server.js';

test('SCRAM-SHA-256 matches the RFC 7677 §3 example exchange', () => {
  const m = new ScramSha256(() => 'rOprNGfwEbeRWgbNEkqO');
  const cred = { username: 'user', password: 'pencil' };
  assert.equal(m.response(cred), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  m.challenge('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  assert.equal(m.response(cred), 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  assert.equal(m.expectedServerSignature, '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  assert.equal(ScramSha256.prototype.name, 'SCRAM-SHA-256', 'the factory finds it by its prototype name');
});

test('SCRAM-SHA-256 refuses a server nonce that does not extend ours', () => {
  const m = new ScramSha256(() => 'abc');
  m.response({ username: 'u', password: 'p' });
  m.challenge('r=other,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  assert.throws(() => m.response({ username: 'u', password: 'p' }), /invalid SCRAM challenge/);
});

test('mechanism choice: SHA-256 over SHA-1 over PLAIN; PLAIN only over TLS', () => {
  assert.equal(chooseMechanism(['PLAIN', 'SCRAM-SHA-1', 'SCRAM-SHA-256'], true), 'SCRAM-SHA-256');
  assert.equal(chooseMechanism(['PLAIN', 'SCRAM-SHA-1'], true), 'SCRAM-SHA-1');
  assert.equal(chooseMechanism(['SCRAM-SHA-1'], false), 'SCRAM-SHA-1');
  assert.equal(chooseMechanism(['PLAIN'], true), 'PLAIN');
  assert.throws(() => chooseMechanism(['PLAIN'], false), (e: unknown) => e instanceof SaslChoiceError && /refusing to send the password in the clear/.test(e.message));
  assert.throws(() => chooseMechanism(['DIGEST-MD5'], true), /no supported login method \(the server offers DIGEST-MD5\)/);
});

test('SRV order: ascending priority, weighted choice within a priority (RFC 2782)', () => {
  const recs = [
    { priority: 20, weight: 0, id: 'late' },
    { priority: 10, weight: 0, id: 'zero' },
    { priority: 10, weight: 60, id: 'heavy' },
    { priority: 10, weight: 40, id: 'light' },
  ];
  // A draw of 0 picks the zero-weight record (it is first in line); then 0.5 of 100 lands on the heavy one.
  const draws = [0, 0.5, 0.5];
  assert.deepEqual(orderSrv(recs, () => draws.shift() ?? 0).map((r) => r.id), ['zero', 'heavy', 'light', 'late']);
  // A draw near 1 skips the heavy one first.
  const draws2 = [0.99, 0.99, 0];
  assert.deepEqual(orderSrv(recs, () => draws2.shift() ?? 0).map((r) => r.id), ['light', 'heavy', 'zero', 'late']);
});

test('endpoints: a configured host wins; SRV records of both kinds merge; none means the domain on 5222; "." is no service', async () => {
  const dns = await startDnsServer();
  try {
    const base = { jid: 'alice@example.test', _dns_servers: [dns.address] };
    assert.deepEqual(await resolveEndpoints(readOptions({ ...base, host: 'xmpp.example.test' })), [{ host: 'xmpp.example.test', port: 5222, direct: false }]);
    assert.equal(dns.queries.length, 0, 'no lookup with a configured host');

    assert.deepEqual(await resolveEndpoints(readOptions(base)), [{ host: 'example.test', port: 5222, direct: false }]);
    assert.deepEqual(dns.queries.sort(), ['_xmpp-client._tcp.example.test 33', '_xmpps-client._tcp.example.test 33']);
    assert.deepEqual(await resolveEndpoints(readOptions({ ...base, tls: 'direct' })), [{ host: 'example.test', port: 5223, direct: true }]);

    dns.srv.set('_xmpp-client._tcp.example.test', [
      { priority: 10, weight: 0, port: 5333, target: 'b.example.test' },
      { priority: 5, weight: 0, port: 5222, target: 'a.example.test' },
    ]);
    dns.srv.set('_xmpps-client._tcp.example.test', [{ priority: 7, weight: 0, port: 443, target: 'tls.example.test' }]);
    const eps = await resolveEndpoints(readOptions(base));
    assert.deepEqual(eps, [
      { host: 'a.example.test', port: 5222, direct: false },
      { host: 'tls.example.test', port: 443, direct: true },
      { host: 'b.example.test', port: 5333, direct: false },
    ]);
    assert.deepEqual(eps.map(serviceUri), ['xmpp://a.example.test:5222', 'xmpps://tls.example.test:443', 'xmpp://b.example.test:5333']);
    // A direct-TLS account uses only the xmpps records.
    assert.deepEqual(await resolveEndpoints(readOptions({ ...base, tls: 'direct' })), [{ host: 'tls.example.test', port: 443, direct: true }]);

    dns.srv.set('_xmpp-client._tcp.example.test', [{ priority: 0, weight: 0, port: 0, target: '.' }]);
    dns.srv.delete('_xmpps-client._tcp.example.test');
    await assert.rejects(resolveEndpoints(readOptions(base)), (e: unknown) => e instanceof NoServiceError && /offers no XMPP client service/.test(e.message));
  } finally {
    await dns.stop();
  }
});

test("SCRAM-SHA-256 checks the server's signature (RFC 5802 §5): the right v= passes, a wrong or missing one fails", () => {
  const run = (final?: string) => {
    const m = new ScramSha256(() => 'rOprNGfwEbeRWgbNEkqO');
    const cred = { username: 'user', password: 'pencil' };
    m.response(cred);
    m.challenge('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    m.response(cred);
    if (final !== undefined) m.challenge(final);
    return m.serverVerified();
  };
  assert.equal(run('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), true);
  assert.equal(run('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), false);
  assert.equal(run('e=other-error'), false);
  assert.equal(run(), false);
});
