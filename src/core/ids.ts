/** A random id safe for protocol ids ([A-Za-z0-9_-]). Uses Web Crypto when present. */
export function randomId(prefix = ''): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  const raw = c?.randomUUID ? c.randomUUID().replace(/-/g, '').slice(0, 20) : Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  return prefix + raw;
}
