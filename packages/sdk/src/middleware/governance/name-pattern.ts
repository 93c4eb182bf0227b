const compiled = new Map<string, RegExp>();

/**
 * True when `name` matches one of `patterns`: exact names, or globs where `*` stands for any
 * characters (`acme/*`, `search-*`, `*`). An absent list matches everything.
 */
export function matchesNamePattern(patterns: readonly string[] | undefined, name: string): boolean {
  if (patterns === undefined) return true;
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === name) return true;
    if (!pattern.includes('*')) continue;
    let regex = compiled.get(pattern);
    if (regex === undefined) {
      regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      compiled.set(pattern, regex);
    }
    if (regex.test(name)) return true;
  }
  return false;
}
