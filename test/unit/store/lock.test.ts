import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProfileLockedError } from '../../../src/core/errors.js';
import { acquireProfileLock, LOCK_FILE } from '../../../src/store/lock.js';
import { tempDir } from './helpers.js';

/** A PID that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('the lock file holds our PID, mode 0600, and is removed on release', () => {
  const dir = tempDir();
  const lock = acquireProfileLock(dir);
  const file = join(dir, LOCK_FILE);
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], String(process.pid));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  lock.release();
  assert.equal(existsSync(file), false);
  lock.release(); // idempotent
});

test('a missing profile directory is created 0700', () => {
  const dir = join(tempDir(), 'new', 'profile');
  const old = process.umask(0);
  try {
    const lock = acquireProfileLock(dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    lock.release();
  } finally {
    process.umask(old);
  }
});

test('a second acquisition (same process) fails with a clear ProfileLockedError until released', () => {
  const dir = tempDir();
  const first = acquireProfileLock(dir);
  assert.throws(
    () => acquireProfileLock(dir),
    (e: unknown) =>
      e instanceof ProfileLockedError &&
      e.userMessage ===
        `another natter (pid ${process.pid}) is using this profile (${dir}); close it or use NATTER_HOME=… for a second profile`,
  );
  // The failed attempt left the holder's lock alone.
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0], String(process.pid));
  first.release();
  const second = acquireProfileLock(dir);
  second.release();
});

test('a lock left by a dead process is taken over', () => {
  const dir = tempDir();
  const pid = deadPid();
  assert.ok(pid > 0 && pid !== process.pid);
  writeFileSync(join(dir, LOCK_FILE), `${pid}\n`);
  const lock = acquireProfileLock(dir);
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0], String(process.pid));
  lock.release();
});

test('a lock with unreadable content is stale; one from a live process of this boot is not', () => {
  const dir = tempDir();
  writeFileSync(join(dir, LOCK_FILE), 'garbage');
  acquireProfileLock(dir).release();

  // PID 1 is alive; written with our own boot id it is a real holder.
  let boot = '';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // no boot id on this platform: the lock is judged by the PID alone
  }
  writeFileSync(join(dir, LOCK_FILE), `1\n${boot}\n`);
  assert.throws(() => acquireProfileLock(dir), (e: unknown) => e instanceof ProfileLockedError && /pid 1\b/.test(e.message));
  if (boot) {
    // The same PID recorded before a reboot is somebody else now: taken over.
    writeFileSync(join(dir, LOCK_FILE), `1\n00000000-0000-0000-0000-000000000000\n`);
    acquireProfileLock(dir).release();
  }
});

test('release never removes a lock that another process took over meanwhile', () => {
  const dir = tempDir();
  const lock = acquireProfileLock(dir);
  writeFileSync(join(dir, LOCK_FILE), '1\n');
  lock.release();
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), '1\n');
});

test('the lock is released when the process exits', () => {
  const dir = tempDir();
  const url = new URL('../../../src/store/lock.js', import.meta.url).href;
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import { acquireProfileLock } from ${JSON.stringify(url)}; acquireProfileLock(${JSON.stringify(dir)}); process.stdout.write('held');`],
    { encoding: 'utf8' },
  );
  assert.equal(r.stdout, 'held', r.stderr);
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});
