/**
 * `/preview [n]`: the n-th image attachment from the end of the conversation (or the selected message's image), made
 * into a local file: `file:` attachments are read in place, everything else is fetched (and decrypted) by the engine
 * into the profile's downloads directory through the `natter-download` protocol action, as /open does.
 */
import { fileURLToPath } from 'node:url';
import { DOWNLOAD_ACTION } from '../../core/download-action.js';
import type { EngineApi } from '../../core/engine-api.js';
import type { Attachment, Message } from '../../core/model.js';
import { sanitizeText } from '../../core/sanitize.js';
import { ImageError } from './decode.js';

/** An image attachment and the message carrying it. */
export interface ImageTarget {
  attachment: Attachment;
  message: Message;
}

const imageName = /\.(?:png|jpe?g|gif|webp|bmp)$/i;

/** True for attachments that look like images (MIME type image/*, or an image file name when the type is unknown). */
export function isImageAttachment(a: Attachment): boolean {
  if (a.mime !== undefined) return /^image\//i.test(a.mime);
  return imageName.test(a.name ?? '') || imageName.test(a.url.replace(/[?#].*$/, ''));
}

/** Image attachments of the messages, oldest first (retracted messages left out). */
export function imageTargets(messages: readonly Message[]): ImageTarget[] {
  return messages.flatMap((m) => (m.retracted ? [] : (m.attachments ?? []).filter(isImageAttachment).map((attachment) => ({ attachment, message: m }))));
}

/** Parses `/preview [n]`; undefined when the text is another command, an error message when n is bad. */
export function parsePreviewCommand(text: string): { n?: number } | { error: string } | undefined {
  const t = text.trim();
  const m = /^\/preview(?:\s+(\S+))?\s*$/i.exec(t);
  const usage = { error: 'usage: /preview [n] (n-th image from the end; without n the selected message or the last image)' };
  if (!m) return /^\/preview\b/i.test(t) ? usage : undefined;
  if (m[1] === undefined) return {};
  const n = Number(m[1]);
  return Number.isInteger(n) && n >= 1 ? { n } : usage;
}

/** Messages /preview looks through (the newest page of the conversation). */
const LOOK_BACK = 200;

/**
 * Picks the image: the first image of `selectedId`'s message when given and no n, else the n-th from the end (n
 * default 1). Throws an {@link ImageError} saying why there is none.
 */
export function pickImage(
  engine: Pick<EngineApi, 'messages'>,
  conversationId: string,
  n: number | undefined,
  selectedId?: string,
): ImageTarget {
  const targets = imageTargets(engine.messages(conversationId, { limit: LOOK_BACK }));
  if (n === undefined && selectedId !== undefined) {
    const own = targets.find((t) => t.message.id === selectedId);
    if (own) return own;
  }
  const k = n ?? 1;
  const target = targets[targets.length - k];
  if (!target) {
    throw new ImageError(
      targets.length === 0 ? 'no image in this conversation' : `there ${targets.length === 1 ? 'is only 1 image' : `are only ${targets.length} images`} here`,
    );
  }
  return target;
}

/** A display name for the image (sanitized: it came from the network). */
export function imageLabel(t: ImageTarget): string {
  return sanitizeText(t.attachment.name ?? 'image');
}

/** The local path of the image file, fetching it through the engine when it is not a `file:` attachment. */
export async function imageFile(engine: Pick<EngineApi, 'dispatch'>, t: ImageTarget): Promise<string> {
  const { url } = t.attachment;
  if (/^file:/i.test(url)) {
    try {
      return fileURLToPath(url);
    } catch (e) {
      throw new ImageError(`${imageLabel(t)} has a local address natter cannot read`, { cause: e });
    }
  }
  const m = t.message;
  const r = await engine.dispatch({
    type: 'protocol',
    accountId: m.accountId,
    conversationId: m.conversationId,
    name: DOWNLOAD_ACTION,
    args: [m.id, url],
  });
  if (!r.ok) throw new ImageError(`${imageLabel(t)} could not be fetched: ${r.error}`);
  if (!r.info) throw new ImageError(`${imageLabel(t)} could not be fetched: the download left no file`);
  return r.info;
}
