/**
 * Sending a message: splitting the body to fit one line each, labelling the lines (labeled-response), and resolving
 * on the server's echo (echo-message) or, without it, once every line is on the socket.
 */
import { SendRejected, type OutgoingMessage, type SendResult } from '../../src/core/contract.js';
import { ctcp } from './ctcp.js';
import { clean, tagValue, type WriteLine } from './lines.js';
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
  // A reply names the message it answers with the client tag +draft/reply=<msgid>
  // (https://ircv3.net/specs/client-tags/reply); only the first line of a split message carries it.
  const reply = message.replyTo && s.caps.has('message-tags') ? `+draft/reply=${tagValue(message.replyTo)}` : undefined;
  const wire = (l: (typeof lines)[number], i: number) => {
    const tags = [l.label ? `label=${l.label}` : undefined, i === 0 ? reply : undefined].filter(Boolean).join(';');
    return `${tags ? `@${tags} ` : ''}${l.command} ${target} :${l.text}`;
  };

  if (s.caps.has('echo-message')) {
    const pending = out.track(target, lines);
    lines.forEach((l, i) => writeLine(wire(l, i), { onWritten: () => pending.written(i) }));
    return pending.promise;
  }
  // Without echo-message the server confirms nothing: the message counts as sent once it is on the socket.
  let written = 0;
  await Promise.all(
    lines.map(
      (l, i) =>
        new Promise<void>((resolve, reject) =>
          writeLine(wire(l, i), {
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
