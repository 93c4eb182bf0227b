import { tokenize } from './tokenize';

/** Most sub-questions one query is split into; more are merged into the last. */
export const maxSubQueries = 5;

// Words that open a new clause: "… and how do I …", "… and can I …".
const clauseOpeners = new Set(
  'how what where when which who why whom whose can could do does did is are should will would may must also'.split(' ')
);

/**
 * Splits a multi-part question into its parts, so each part retrieves its own passages and the
 * answers are merged. Splits on `?`, `;` and line breaks always, and on `and` / `also` / `as well
 * as` only where both sides are clauses of their own: the right side opens with a question word,
 * or both sides carry at least two content words. "keys and tokens" therefore stays whole, while
 * "rotate API keys and what is the rate limit" splits in two.
 *
 * @returns the parts in order, at least one (the trimmed query itself when nothing splits).
 * @example
 * decomposeQuery('How do I rotate keys and what are the rate limits?');
 * // ['How do I rotate keys', 'what are the rate limits']
 */
export function decomposeQuery(query: string): string[] {
  const parts: string[] = [];
  for (const sentence of query.split(/[?;\n]+/)) {
    parts.push(...splitConjunctions(sentence));
  }
  const cleaned = parts
    .map((part) => part.replace(/^[\s,.:!-]+|[\s,.:!-]+$/g, '').replace(/\s+/g, ' '))
    .filter((part) => tokenize(part).length > 0);
  const unique = [...new Set(cleaned)];
  if (unique.length === 0) return [query.trim()];
  if (unique.length <= maxSubQueries) return unique;
  return [...unique.slice(0, maxSubQueries - 1), unique.slice(maxSubQueries - 1).join(' ')];
}

function splitConjunctions(sentence: string): string[] {
  const pieces = sentence.split(/\s*,?\s+(?:and|also|as well as|plus)\s+/i);
  if (pieces.length === 1) return pieces;
  // Greedily glue a piece to its left neighbour unless it can stand as a clause of its own.
  const clauses: string[] = [pieces[0]!];
  const joiners = sentence.match(/\s*,?\s+(?:and|also|as well as|plus)\s+/gi) ?? [];
  for (let index = 1; index < pieces.length; index++) {
    const left = clauses[clauses.length - 1]!;
    const right = pieces[index]!;
    const firstWord = right.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    const standsAlone = clauseOpeners.has(firstWord) || (tokenize(left).length >= 2 && tokenize(right).length >= 2);
    if (standsAlone) clauses.push(right);
    else clauses[clauses.length - 1] = `${left}${joiners[index - 1] ?? ' and '}${right}`;
  }
  return clauses;
}
