/**
 * A URL as messages may show it: a password in it (`redis://:pw@host`, `?password=pw`) stays out
 * of terminals and CI logs. One that does not parse keeps nothing between `//` and `@`.
 */
export function withoutPassword(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/]*@/, '//***@').replace(/([?&]password=)[^&#]*/gi, '$1***');
  }
  if (parsed.password === '' && !parsed.searchParams.has('password')) return url;
  if (parsed.password !== '') parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  return parsed.toString();
}
