/**
 * Content repository (spec: "Content repository"): upload, download and thumbnails, both the legacy
 * `/_matrix/media/v3/*` endpoints and the authenticated `/_matrix/client/v1/media/*` ones (spec v1.11). Thumbnails
 * are the original bytes: clients only need something displayable.
 */
import { randomId } from '../state.js';
import { notFound } from '../errors.js';
import { RawResponse, type Ctx, type Router } from '../http.js';
import { MEDIA_LIMIT_BYTES } from '../limits.js';

function contentDisposition(filename: string | undefined): string {
  if (!filename) return 'inline';
  return `inline; filename*=utf-8''${encodeURIComponent(filename)}`;
}

function download(ctx: Ctx, fileName?: string): RawResponse {
  const { serverName, mediaId } = ctx.params;
  const m = serverName === ctx.hs.serverName ? ctx.hs.media.get(mediaId!) : undefined;
  if (!m) throw notFound('Media not found');
  return new RawResponse(200, {
    'content-type': m.contentType,
    'content-disposition': contentDisposition(fileName ?? m.filename),
    'cross-origin-resource-policy': 'cross-origin',
  }, m.data);
}

function upload(ctx: Ctx): { content_uri: string } {
  ctx.auth();
  const id = randomId(18);
  const filename = ctx.query.get('filename') ?? undefined;
  const contentType = typeof ctx.headers['content-type'] === 'string' ? ctx.headers['content-type'] : 'application/octet-stream';
  ctx.hs.media.set(id, { contentType, data: ctx.raw, ...(filename !== undefined ? { filename } : {}) });
  return { content_uri: `mxc://${ctx.hs.serverName}/${id}` };
}

export function mediaRoutes(r: Router): void {
  const config = (): { 'm.upload.size': number } => ({ 'm.upload.size': MEDIA_LIMIT_BYTES });
  r.on('media', 'POST', 'upload', upload);
  r.on('media', 'GET', 'config', (ctx) => {
    ctx.auth();
    return config();
  });
  r.on('media', 'GET', 'download/:serverName/:mediaId', (ctx) => download(ctx));
  r.on('media', 'GET', 'download/:serverName/:mediaId/:fileName', (ctx) => download(ctx, ctx.params['fileName']));
  r.on('media', 'GET', 'thumbnail/:serverName/:mediaId', (ctx) => download(ctx));

  // Authenticated media (spec v1.11): the same, behind an access token.
  r.on('client', 'GET', 'media/config', (ctx) => {
    ctx.auth();
    return config();
  });
  r.on('client', 'GET', 'media/download/:serverName/:mediaId', (ctx) => {
    ctx.auth();
    return download(ctx);
  });
  r.on('client', 'GET', 'media/download/:serverName/:mediaId/:fileName', (ctx) => {
    ctx.auth();
    return download(ctx, ctx.params['fileName']);
  });
  r.on('client', 'GET', 'media/thumbnail/:serverName/:mediaId', (ctx) => {
    ctx.auth();
    return download(ctx);
  });
}
