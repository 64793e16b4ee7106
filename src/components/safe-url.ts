/**
 * The one check every link and image an agent or user supplies goes through, so a `javascript:` URL
 * can never reach an `href` or `src`.
 */
const ALLOWED = new Set(['http:', 'https:', 'data:', 'blob:']);

/** The URL if it is http(s), data: or blob:, else undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return ALLOWED.has(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a safe URL leaves the page when followed (so it opens in a new tab, without an opener). */
export const isWebUrl = (url: string): boolean => url.startsWith('http:') || url.startsWith('https:');

/** Props of a link to a web URL: a new tab that gets no `window.opener` and no referrer. */
export const NEW_TAB = { target: '_blank', rel: 'noopener noreferrer' } as const;
