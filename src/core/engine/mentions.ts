/** Whether a body mentions a name as a word (case-insensitive), the way IRC clients highlight nicks. */
export function mentions(body: string, name: string | undefined): boolean {
  if (!name) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_\\-\\[\\]\\\\\`^{}|])${escaped}($|[^\\p{L}\\p{N}_\\-\\[\\]\\\\\`^{}|])`, 'iu').test(body);
}
