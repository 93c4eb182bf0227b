// @agentry/task-packs — built-in packs. Every export here is public API.
import { echoPack } from './packs/echo';
import { summarizePack } from './packs/summarize';

export { echoPack, summarizePack };

/** The built-in packs `agentry dev` hosts when this package is installed. */
export const builtinPacks = [echoPack, summarizePack] as const;
