/**
 * One natter process per profile: an exclusive lock file `natter.lock` in the data directory holding the owner's PID
 * (and the boot id, so a PID reused after a reboot is not mistaken for the owner).
 *
 * The file appears atomically with its content (written to a private temp file, then hard-linked into place, which
 * fails if the lock exists), so a reader never sees an empty lock. A lock whose PID is dead, or that was written before
 * the last reboot, is stale and taken over.
 */
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProfileLockedError } from '../core/errors.js';

export const LOCK_FILE = 'natter.lock';

export interface ProfileLock {
  /** Removes the lock (only if it is still ours). Idempotent. */
  release(): void;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockOwner {
  pid: number;
  boot: string;
}

function readOwner(file: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const [pidLine = '', boot = ''] = text.split('\n');
  const pid = Number(pidLine.trim());
  return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, boot: boot.trim() };
}

function tryCreate(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') {
      // A filesystem without hard links: fall back to O_EXCL creation (a reader may briefly see it empty).
      try {
        writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
        return true;
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw inner;
      }
    }
    throw error;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

/**
 * Takes the profile lock of `dataDir` (created with mode 0700 if missing). Throws {@link ProfileLockedError} when a live process holds
 * it — including this very process, so a second acquisition in one process fails too. The lock is removed by
 * `release()` and, best effort, when the process exits normally (`process.on('exit')`; signals are the app's job).
 */
export function acquireProfileLock(dataDir: string): ProfileLock {
  if (mkdirSync(dataDir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dataDir, 0o700);
  const file = join(dataDir, LOCK_FILE);
  const boot = bootId();
  const content = `${process.pid}\n${boot}\n`;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, content)) break;
    const owner = readOwner(file);
    if (owner === undefined) continue; // released between our attempt and the read: try again
    const sameBoot = owner.boot === '' || boot === '' || owner.boot === boot;
    if (owner.pid > 0 && sameBoot && alive(owner.pid)) {
      throw new ProfileLockedError(
        `another natter (pid ${owner.pid}) is using this profile (${dataDir}); ` +
          'close it or use NATTER_HOME=… for a second profile',
      );
    }
    if (attempt >= 5) {
      throw new ProfileLockedError(`could not take over the stale lock ${file}; remove it if no natter is running`);
    }
    // Stale (dead PID, unreadable content, or written before the last reboot): remove it and try again.
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    const owner = readOwner(file);
    if (owner?.pid !== process.pid) return; // someone took it over; not ours to remove
    try {
      unlinkSync(file);
    } catch {
      // best effort
    }
  };
  process.on('exit', release);
  return { release };
}

/** The PID of the live natter holding the profile lock, or undefined when none does (no lock, or a stale one). */
export function profileLockHolder(dataDir: string): number | undefined {
  const owner = readOwner(join(dataDir, LOCK_FILE));
  if (!owner || owner.pid <= 0) return undefined;
  const boot = bootId();
  const sameBoot = owner.boot === '' || boot === '' || owner.boot === boot;
  return sameBoot && alive(owner.pid) ? owner.pid : undefined;
}
