/**
 * SMTP submission (RFC 6409) with nodemailer: implicit TLS (RFC 8314) or STARTTLS that must succeed, AUTH with the
 * account's password, one connection per message. The outcome maps onto the contract: refused before the message
 * was handed over → SendRejected (retryable when the cause may pass: network, 4xx); cut off while the message was
 * being handed over → SendUncertain.
 */
import nodemailer from 'nodemailer';
import { SendRejected, SendUncertain } from '../../src/core/contract.js';
import { connectionTls } from './options.js';
import { smtpGetSocket } from './proxy.js';
import type { EmailState } from './state.js';

export async function submit(s: EmailState, envelope: { from: string; to: string[] }, raw: Buffer): Promise<void> {
  const opts = s.opts!;
  let tls;
  try {
    tls = await connectionTls(opts, 'smtp');
  } catch (e) {
    const pin = (e as { code?: string }).code === 'PIN_MISMATCH';
    // A wrong certificate will not fix itself; an unreachable server may.
    throw new SendRejected((e as Error).message, { cause: e, retryable: !pin && (e as { code?: string }).code !== 'CA_FILE' });
  }
  const transport = nodemailer.createTransport({
    host: opts.smtpHost,
    port: opts.smtpPort,
    secure: opts.smtpSecurity === 'tls',
    requireTLS: opts.smtpSecurity === 'starttls',
    auth: { user: opts.address, pass: s.password },
    tls,
    connectionTimeout: opts.connectTimeoutMs,
    greetingTimeout: opts.connectTimeoutMs,
    socketTimeout: 60_000,
    logger: false,
    ...(opts.proxy ? { getSocket: smtpGetSocket(opts.proxy, opts.smtpHost, opts.smtpPort, opts.connectTimeoutMs) } : {}),
  });
  try {
    const info = await transport.sendMail({ envelope, raw });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0) s.log.warn('the server refused some recipients', { rejected });
    if (rejected.length === envelope.to.length) throw new SendRejected(`the server refused every recipient: ${rejected.join(', ')}`);
  } catch (e) {
    if (e instanceof SendRejected) throw e;
    throw classify(e);
  } finally {
    transport.close();
  }
}

function classify(e: unknown): Error {
  const err = e as { code?: string; responseCode?: number; command?: string; response?: string; message?: string };
  const why = err.response ?? err.message ?? 'sending failed';
  if (err.code === 'EAUTH') return new SendRejected(`the mail server refused the login: ${why}`, { cause: e });
  if (typeof err.responseCode === 'number') {
    return new SendRejected(`the mail server refused the message: ${why}`, { cause: e, retryable: err.responseCode >= 400 && err.responseCode < 500 });
  }
  // A connection lost after DATA went out: the server may have taken the message.
  if (err.command === 'DATA' || err.command === 'message' || err.code === 'EMESSAGE') return new SendUncertain(`the connection to the mail server dropped while sending: ${why}`, { cause: e });
  return new SendRejected(`cannot reach the mail server: ${why}`, { cause: e, retryable: true });
}
