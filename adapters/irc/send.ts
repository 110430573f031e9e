/**
 * Sending a message: splitting the body to fit one line each, labelling the lines (labeled-response), and resolving
 * on the server's echo (echo-message) or, without it, once every line is on the socket.
 */
import { SendRejected, type OutgoingMessage, type SendResult } from '../../src/core/contract.js';
import { ctcp } from './ctcp.js';
import { clean, type WriteLine } from './lines.js';
import type { OutgoingTracker } from './outgoing.js';
import type { IrcSession } from './session.js';
import { splitBody } from './split.js';

/** Sends `message` on a registered session; `maxBody` gives the longest body per line to a target. */
export async function sendMessage(
  s: IrcSession,
  message: OutgoingMessage,
  out: OutgoingTracker,
  maxBody: (target: string, kind: OutgoingMessage['kind']) => number,
  writeLine: WriteLine,
): Promise<SendResult> {
  const target = clean(message.conversation.remoteId).trim();
  if (!target || /[\s,]/.test(target) || target === '*') throw new SendRejected(`cannot send to "${target}"`);
  const command = message.kind === 'notice' ? 'NOTICE' : 'PRIVMSG';
  const chunks = splitBody(message.body.replace(/\0/g, ''), maxBody(target, message.kind));
  if (chunks.length === 0) throw new SendRejected('empty message');
  const labels = s.caps.has('labeled-response');
  const lines = chunks.map((c) => ({
    label: labels ? out.nextLabel() : undefined,
    command,
    text: message.kind === 'action' ? ctcp('ACTION', c) : c,
  }));
  const wire = (l: (typeof lines)[number]) => `${l.label ? `@label=${l.label} ` : ''}${l.command} ${target} :${l.text}`;

  if (s.caps.has('echo-message')) {
    const pending = out.track(target, lines);
    lines.forEach((l, i) => writeLine(wire(l), { onWritten: () => pending.written(i) }));
    return pending.promise;
  }
  // Without echo-message the server confirms nothing: the message counts as sent once it is on the socket.
  let written = 0;
  await Promise.all(
    lines.map(
      (l) =>
        new Promise<void>((resolve, reject) =>
          writeLine(wire(l), {
            onWritten: () => {
              written++;
              resolve();
            },
            onDropped: () =>
              reject(written === 0 ? new SendRejected('not connected', { retryable: true }) : new SendRejected('connection lost while sending', { retryable: false })),
          }),
        ),
    ),
  );
  return { state: 'sent' };
}
