// Compares two API reports (api-extractor `.api.md`) declaration by declaration and decides the
// smallest semver bump the change needs. The rules are the ones VERSIONING.md states:
// removed or changed export = major, added export or added optional member = minor.

/** A semver bump level, smallest first. */
export type Bump = 'none' | 'patch' | 'minor' | 'major';

const order: readonly Bump[] = ['none', 'patch', 'minor', 'major'];

/** The larger of two bumps. */
export function maxBump(a: Bump, b: Bump): Bump {
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

/** True when `a` is smaller than `b`. */
export function bumpBelow(a: Bump, b: Bump): boolean {
  return order.indexOf(a) < order.indexOf(b);
}

/** One difference between two reports. */
export interface ApiChange {
  kind: 'removed' | 'added' | 'changed' | 'extended';
  /** The declaration's name, e.g. `createServer` or `ServerOptions.limits`. */
  name: string;
  bump: Bump;
}

/** The differences between two reports and the bump they need. */
export interface ApiDiff {
  changes: ApiChange[];
  bump: Bump;
}

/** The TypeScript inside a report's code fence, without comments. */
function reportCode(report: string): string[] {
  const start = report.indexOf('```ts');
  const end = report.lastIndexOf('```');
  const body = start === -1 || end <= start ? report : report.slice(start + 5, end);
  return body.split('\n').filter((line) => !/^\s*\/\//.test(line));
}

function depthChange(line: string): number {
  let depth = 0;
  // Strings in declarations are short literal types; brackets inside them are rare enough to ignore.
  for (const char of line) {
    if (char === '{' || char === '(' || char === '[') depth += 1;
    else if (char === '}' || char === ')' || char === ']') depth -= 1;
  }
  return depth;
}

/** Splits lines into groups that end where the bracket depth returns to zero. */
function balancedGroups(lines: string[]): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let depth = 0;
  for (const line of lines) {
    if (line.trim() === '' && depth === 0) {
      if (current.length > 0) groups.push(current);
      current = [];
      continue;
    }
    current.push(line);
    depth += depthChange(line);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const declarationPattern =
  /^export\s+(?:declare\s+)?(?:abstract\s+)?(function|class|interface|type|const|let|var|enum|namespace)\s+([\w$]+)/;

/** Top-level declarations of a report by name; overloads of one name are joined. */
export function parseApiReport(report: string): Map<string, string> {
  const declarations = new Map<string, string>();
  for (const group of balancedGroups(reportCode(report))) {
    const text = group.join('\n').trim();
    if (text.startsWith('import ')) {
      // An import names what the surface refers to; the declarations using it carry the change.
      continue;
    }
    const match = declarationPattern.exec(text);
    const name = match?.[2] ?? text.replace(/\s+/g, ' ');
    declarations.set(name, declarations.has(name) ? `${declarations.get(name)}\n${text}` : text);
  }
  return declarations;
}

/** Members of an interface or class declaration, normalised to one line each. */
function members(declaration: string): { header: string; members: string[] } | undefined {
  const lines = declaration.split('\n');
  const header = lines[0] ?? '';
  if (!/^export\s+(?:declare\s+)?(?:abstract\s+)?(interface|class)\s/.test(header) || !header.trimEnd().endsWith('{')) return undefined;
  const bodyLines = lines.slice(1, -1);
  const grouped: string[] = [];
  let current: string[] = [];
  let depth = 0;
  for (const line of bodyLines) {
    if (line.trim() === '') continue;
    current.push(line.trim());
    depth += depthChange(line);
    if (depth === 0) {
      grouped.push(current.join(' ').replace(/\s+/g, ' '));
      current = [];
    }
  }
  if (current.length > 0) grouped.push(current.join(' '));
  return { header: header.replace(/\s+/g, ' '), members: grouped };
}

function memberName(member: string): string {
  return /^(?:(?:readonly|static|protected|abstract|get|set)\s+)*(\[[^\]]+\]|"[^"]*"|'[^']*'|[\w$]+)/.exec(member)?.[1] ?? member;
}

/** An added member a consumer cannot break on: optional on interfaces, anything on classes but abstract ones. */
function isCompatibleAddition(kind: 'interface' | 'class', member: string): boolean {
  if (kind === 'class') return !/^(?:[\w]+\s+)*abstract\s/.test(member) && !member.startsWith('constructor');
  return /^(?:readonly\s+)?(?:\[[^\]]+\]|"[^"]*"|'[^']*'|[\w$]+)\?[:(<]/.test(member);
}

function compareDeclaration(name: string, before: string, after: string): ApiChange[] {
  const old = members(before);
  const now = members(after);
  if (old === undefined || now === undefined || old.header !== now.header) return [{ kind: 'changed', name, bump: 'major' }];
  const kind = old.header.includes(' class ') ? 'class' : 'interface';
  const changes: ApiChange[] = [];
  const nowSet = new Set(now.members);
  const oldSet = new Set(old.members);
  const nowNames = new Set(now.members.map(memberName));
  for (const member of old.members) {
    if (nowSet.has(member)) continue;
    const memberKey = `${name}.${memberName(member)}`;
    changes.push({ kind: nowNames.has(memberName(member)) ? 'changed' : 'removed', name: memberKey, bump: 'major' });
  }
  const oldNames = new Set(old.members.map(memberName));
  for (const member of now.members) {
    if (oldSet.has(member) || oldNames.has(memberName(member))) continue;
    const compatible = isCompatibleAddition(kind, member);
    changes.push({ kind: compatible ? 'extended' : 'changed', name: `${name}.${memberName(member)}`, bump: compatible ? 'minor' : 'major' });
  }
  // Same members in another order: the surface is unchanged.
  return changes;
}

/**
 * Differences between the report of a release (`before`, undefined for an entry that did not
 * exist) and the current report, with the bump each needs.
 */
export function diffApiReports(before: string | undefined, after: string | undefined): ApiDiff {
  const old = before === undefined ? new Map<string, string>() : parseApiReport(before);
  const now = after === undefined ? new Map<string, string>() : parseApiReport(after);
  const changes: ApiChange[] = [];
  for (const [name, text] of old) {
    const current = now.get(name);
    if (current === undefined) changes.push({ kind: 'removed', name, bump: 'major' });
    else if (current !== text) changes.push(...compareDeclaration(name, text, current));
  }
  for (const name of now.keys()) if (!old.has(name)) changes.push({ kind: 'added', name, bump: 'minor' });
  return { changes, bump: changes.reduce<Bump>((bump, change) => maxBump(bump, change.bump), 'none') };
}

/**
 * The bump a version line needs for a surface change. Before 1.0.0, caret ranges (`^0.y.z`)
 * accept only `0.y.*`, so a breaking change needs a minor bump and an addition a patch.
 */
export function bumpForVersion(bump: Bump, version: string): Bump {
  if (!version.startsWith('0.')) return bump;
  return bump === 'major' ? 'minor' : bump === 'minor' ? 'patch' : bump;
}
