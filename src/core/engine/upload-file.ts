/**
 * Checking a file the user wants to upload (`/upload <path>`): `~` expanded, the path resolved, and a plain-words
 * error when it is missing, a directory or unreadable. The result is what the outbox persists and hands to the adapter.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import type { OutgoingAttachment } from '../contract.js';
import { CommandError } from '../errors.js';

/** Common types by extension; anything else is sent as application/octet-stream. */
const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.log': 'text/plain',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.json': 'application/json',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

export function mimeOf(name: string): string {
  return MIME[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** `~` and `~/x` name the home directory (as a shell would expand them); `base` resolves relative paths. */
export function expandPath(path: string, home = homedir(), base = process.cwd()): string {
  const p = path.trim();
  if (p === '~') return home;
  if (p.startsWith('~/')) return resolve(home, p.slice(2));
  return resolve(base, p);
}

/** Resolves and checks the file; throws a CommandError saying what is wrong with it. */
export function checkUploadFile(path: string, home?: string): OutgoingAttachment {
  if (path.trim() === '') throw new CommandError('/upload needs the path of a file');
  const full = expandPath(path, home);
  let size: number;
  try {
    const st = statSync(full);
    if (st.isDirectory()) throw new CommandError(`${full} is a directory: /upload sends one file`);
    if (!st.isFile()) throw new CommandError(`${full} is not a regular file`);
    size = st.size;
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CommandError(`no such file: ${full}`, { cause: error });
    if (code === 'EACCES') throw new CommandError(`cannot read ${full}: permission denied`, { cause: error });
    throw new CommandError(`cannot use ${full}: ${(error as Error).message}`, { cause: error });
  }
  try {
    accessSync(full, constants.R_OK);
  } catch (error) {
    throw new CommandError(`cannot read ${full}: permission denied`, { cause: error });
  }
  const name = basename(full);
  return { path: full, name, size, mime: mimeOf(name) };
}
