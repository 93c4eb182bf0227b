import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { AgentryError } from '@agentry/sdk';

/** A file of the corpus as found on disk. */
export interface CorpusFile {
  /** Path relative to the root, `/`-separated: what passages cite. */
  file: string;
  absolutePath: string;
  mtimeMs: number;
  size: number;
}

/** Limits of {@link listCorpusFiles}. */
export interface ListCorpusOptions {
  /** File name endings indexed (lowercase). */
  extensions: readonly string[];
  /** Larger files are skipped. */
  maxFileBytes: number;
  /** Files beyond this count are skipped. */
  maxFiles: number;
}

/**
 * Lists the indexable files under `root`, sorted by path so every index is built in the same
 * order. Hidden entries and `node_modules` are skipped, and symbolic links are not followed, so
 * the index never reads outside the root.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when `root` is not a readable directory.
 */
export async function listCorpusFiles(root: string, options: ListCorpusOptions): Promise<CorpusFile[]> {
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `knowledge-search: root ${root} is not a readable directory`, {
      hint: 'Pass createKnowledgeSearchPack({ root }) an existing folder of Markdown or text files.',
    });
  }
  const files: CorpusFile[] = [];
  const pending = [root];
  while (pending.length > 0 && files.length < options.maxFiles) {
    const directory = pending.shift()!;
    const entries = (await readdir(directory, { withFileTypes: true })).sort((left, right) =>
      left.name < right.name ? -1 : left.name > right.name ? 1 : 0
    );
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const absolutePath = join(directory, entry.name);
      if (entry.isDirectory()) pending.push(absolutePath);
      else if (entry.isFile() && options.extensions.some((extension) => entry.name.toLowerCase().endsWith(extension))) {
        const info = await stat(absolutePath);
        if (info.size > options.maxFileBytes) continue;
        files.push({ file: relative(root, absolutePath).split(sep).join('/'), absolutePath, mtimeMs: info.mtimeMs, size: info.size });
        if (files.length >= options.maxFiles) break;
      }
    }
  }
  return files.sort((left, right) => (left.file < right.file ? -1 : left.file > right.file ? 1 : 0));
}

/** A fingerprint of the listing: changes when a file is added, removed, edited or touched. */
export function corpusSignature(files: readonly CorpusFile[]): string {
  return files.map((file) => `${file.file}\u0000${file.mtimeMs}\u0000${file.size}`).join('\n');
}
