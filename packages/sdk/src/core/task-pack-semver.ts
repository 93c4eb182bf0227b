/**
 * The small part of npm's semver ranges that packs need to state the SDKs they work with:
 * `*`, `x`-ranges (`1.x`, `1.2`), caret (`^1.2.3`), tilde (`~1.2.3`), comparators (`>=1.2.0 <2`),
 * hyphen ranges (`1.2.0 - 1.4.0`) and `||`. Kept here, without a dependency, because the core does
 * no I/O and ships to browsers too.
 */

type Version = [number, number, number, string | undefined];
type Comparator = { operator: '>=' | '>' | '<=' | '<' | '='; version: Version };

const versionPattern = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const partialPattern = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** True when `version` lies in `range`; false for a version or range it cannot parse. */
export function satisfiesSemverRange(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  const sets = parseRange(range);
  if (parsed === undefined || sets === undefined) return false;
  return sets.some((set) => {
    if (!set.every((comparator) => test(parsed, comparator))) return false;
    // As npm does: a pre-release only matches a set that names a pre-release of the same core.
    if (parsed[3] === undefined) return true;
    return set.some((comparator) => comparator.version[3] !== undefined && sameCore(comparator.version, parsed));
  });
}

/**
 * Orders two semantic versions by semver precedence (pre-releases before their release, numeric
 * identifiers numerically); versions that do not parse sort first.
 */
export function compareSemver(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (left === undefined || right === undefined) return left === right ? 0 : left === undefined ? -1 : 1;
  return compare(left, right);
}

/** True when `range` is a semver range this module understands. */
export function isSemverRange(range: string): boolean {
  return parseRange(range) !== undefined;
}

function parseVersion(text: string): Version | undefined {
  const match = versionPattern.exec(text.trim());
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4]];
}

function parseRange(range: string): Comparator[][] | undefined {
  if (typeof range !== 'string' || range.trim() === '') return undefined;
  const sets: Comparator[][] = [];
  for (const alternative of range.split('||')) {
    const set = parseSet(alternative.trim());
    if (set === undefined) return undefined;
    sets.push(set);
  }
  return sets;
}

function parseSet(text: string): Comparator[] | undefined {
  if (text === '' || text === '*' || /^[xX]$/.test(text)) return [];
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen !== null) {
    const low = partial(hyphen[1]!);
    const high = partial(hyphen[2]!);
    if (low === undefined || high === undefined) return undefined;
    return [...atLeast(low), ...upTo(high)];
  }
  const comparators: Comparator[] = [];
  for (const token of text.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/)) {
    const match = /^(>=|<=|>|<|=|\^|~)?(.+)$/.exec(token);
    const version = match === null ? undefined : partial(match[2]!);
    if (match === null || version === undefined) return undefined;
    const expanded = expand(match[1] ?? '', version);
    if (expanded === undefined) return undefined;
    comparators.push(...expanded);
  }
  return comparators;
}

/** A version with the parts given so far; `undefined` parts are wildcards. */
type Partial = { major?: number; minor?: number; patch?: number; pre?: string };

function partial(text: string): Partial | undefined {
  const match = partialPattern.exec(text);
  if (match === null) return undefined;
  const number = (part: string | undefined): number | undefined =>
    part === undefined || /^[xX*]$/.test(part) ? undefined : Number(part);
  const major = number(match[1]);
  const minor = major === undefined ? undefined : number(match[2]);
  const patch = minor === undefined ? undefined : number(match[3]);
  return { major, minor, patch, pre: patch === undefined ? undefined : match[4] };
}

function full(value: Partial): Version {
  return [value.major ?? 0, value.minor ?? 0, value.patch ?? 0, value.pre];
}

function expand(operator: string, value: Partial): Comparator[] | undefined {
  const { major, minor, patch } = value;
  if (major === undefined) return operator === '<' || operator === '>' ? undefined : [];
  switch (operator) {
    case '^': {
      const upper: Version =
        major > 0 || minor === undefined
          ? [major + 1, 0, 0, '0']
          : minor > 0 || patch === undefined
            ? [0, minor + 1, 0, '0']
            : [0, 0, patch + 1, '0'];
      return [{ operator: '>=', version: full(value) }, { operator: '<', version: upper }];
    }
    case '~': {
      const upper: Version = minor === undefined ? [major + 1, 0, 0, '0'] : [major, minor + 1, 0, '0'];
      return [{ operator: '>=', version: full(value) }, { operator: '<', version: upper }];
    }
    case '':
    case '=':
      return patch !== undefined ? [{ operator: '=', version: full(value) }] : [...atLeast(value), ...upTo(value)];
    case '>=':
      return atLeast(value);
    case '<=':
      return upTo(value);
    case '>':
      return patch !== undefined
        ? [{ operator: '>', version: full(value) }]
        : [{ operator: '>=', version: minor === undefined ? [major + 1, 0, 0, undefined] : [major, minor + 1, 0, undefined] }];
    case '<':
      return [{ operator: '<', version: patch === undefined ? [major, minor ?? 0, 0, '0'] : full(value) }];
    default:
      return undefined;
  }
}

function atLeast(value: Partial): Comparator[] {
  return value.major === undefined ? [] : [{ operator: '>=', version: full(value) }];
}

function upTo(value: Partial): Comparator[] {
  const { major, minor, patch } = value;
  if (major === undefined) return [];
  if (patch !== undefined) return [{ operator: '<=', version: full(value) }];
  // `<=1.2` means anything in 1.2.x: below 1.3.0-0.
  return [{ operator: '<', version: minor === undefined ? [major + 1, 0, 0, '0'] : [major, minor + 1, 0, '0'] }];
}

function test(version: Version, { operator, version: bound }: Comparator): boolean {
  const order = compare(version, bound);
  switch (operator) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    case '=':
      return order === 0;
  }
}

function sameCore(a: Version, b: Version): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

function compare(a: Version, b: Version): number {
  for (let index = 0; index < 3; index++) {
    const difference = (a[index] as number) - (b[index] as number);
    if (difference !== 0) return difference;
  }
  return comparePre(a[3], b[3]);
}

function comparePre(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const partsA = a.split('.');
  const partsB = b.split('.');
  for (let index = 0; index < Math.max(partsA.length, partsB.length); index++) {
    const left = partsA[index];
    const right = partsB[index];
    if (left === undefined) return -1;
    if (right === undefined) return 1;
    if (left === right) continue;
    const numeric = /^\d+$/.test(left) && /^\d+$/.test(right);
    if (numeric) return Number(left) - Number(right);
    if (/^\d+$/.test(left)) return -1;
    if (/^\d+$/.test(right)) return 1;
    return left < right ? -1 : 1;
  }
  return 0;
}
