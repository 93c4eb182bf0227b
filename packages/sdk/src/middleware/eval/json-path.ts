/** A field path: `summary`, `items[0].name`, or the segments `['items', 0, 'name']`. */
export type JsonPath = string | readonly (string | number)[];

/** Splits `a.b[0].c` into `['a', 'b', 0, 'c']`. */
export function parseJsonPath(path: JsonPath): (string | number)[] {
  if (typeof path !== 'string') return [...path];
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    segments.push(match[2] === undefined ? match[1]! : Number(match[2]));
  }
  return segments;
}

/** The value at `path` inside `value`, or undefined when any step is missing. */
export function getJsonPath(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const segment of parseJsonPath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The text evaluators look at: a string as is, anything else as JSON. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}
