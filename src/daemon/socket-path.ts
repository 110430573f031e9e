/** Where a profile's daemon listens. */
import { join } from 'node:path';
import type { Profile } from '../config/paths.js';

export const SOCKET_FILE = 'daemon.sock';

/** The daemon's Unix socket: in the profile's runtime directory (0700), next to nothing anyone else may read. */
export function daemonSocketPath(profile: Pick<Profile, 'runtimeDir'>): string {
  return join(profile.runtimeDir, SOCKET_FILE);
}
