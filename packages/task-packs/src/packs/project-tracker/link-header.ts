/**
 * Parses an RFC 8288 `Link` header into a map of relation to URL, as GitHub sends it for
 * pagination: `<https://api.github.com/…?page=2>; rel="next", <…?page=5>; rel="last"`.
 *
 * @example
 * parseLinkHeader('<https://x/y?page=2>; rel="next"').next; // 'https://x/y?page=2'
 */
export function parseLinkHeader(header: string | string[] | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  const text = Array.isArray(header) ? header.join(', ') : header ?? '';
  for (const match of text.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '')?.[1];
    if (rel === undefined) continue;
    // One link may carry several relations: rel="next last".
    for (const name of rel.trim().split(/\s+/)) links[name.toLowerCase()] ??= match[1]!;
  }
  return links;
}

/** The `page` query parameter of a pagination URL, or null when absent. */
export function pageOf(url: string | undefined): number | null {
  if (url === undefined) return null;
  const page = Number(new URL(url).searchParams.get('page'));
  return Number.isInteger(page) && page > 0 ? page : null;
}
