// English words that carry no retrieval signal; dropping them keeps BM25 scores about content.
const stopWords = new Set(
  (
    'a about an and are as at be been but by can could do does did for from has have how i if in into is it its ' +
    'me my of on or our should so that the their them then there these this those to us was we were what when ' +
    'where which who why will with would you your'
  ).split(' ')
);

/**
 * Splits text into lowercase, stop-word-free, lightly stemmed terms. The same function tokenizes
 * documents and queries, so `rotating`, `rotated` and `rotates` all meet `rotate`.
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (stopWords.has(word)) continue;
    terms.push(stem(word));
  }
  return terms;
}

/**
 * A deliberately small suffix stripper (a fraction of Porter's rules): enough to merge the
 * common inflections of technical prose without a dependency, and fully deterministic.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /^\d+$/.test(word)) return word;
  let stemmed = word;
  if (stemmed.endsWith('ies') || stemmed.endsWith('ied')) stemmed = `${stemmed.slice(0, -3)}y`;
  else if (stemmed.endsWith('sses')) stemmed = stemmed.slice(0, -2);
  else if (stemmed.endsWith('ation') && stemmed.length > 7) stemmed = `${stemmed.slice(0, -5)}ate`;
  else if (stemmed.endsWith('ing') && stemmed.length > 5) stemmed = stemmed.slice(0, -3);
  else if (stemmed.endsWith('ed') && stemmed.length > 4) stemmed = stemmed.slice(0, -2);
  else if (stemmed.endsWith('s') && !/(?:ss|us|is)$/.test(stemmed)) stemmed = stemmed.slice(0, -1);
  if (stemmed.endsWith('e') && stemmed.length > 4) stemmed = stemmed.slice(0, -1);
  else if (stemmed.endsWith('y') && stemmed.length > 5) stemmed = stemmed.slice(0, -1);
  return stemmed;
}
