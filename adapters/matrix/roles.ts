import type { Role } from '../../src/core/model.js';

/** Matrix power levels to roles: 100 is an admin, 50 a moderator (the defaults Element and Synapse use). */
export function roleOf(powerLevel: number): Role {
  if (powerLevel >= 100) return 'admin';
  if (powerLevel >= 50) return 'moderator';
  return 'member';
}
