// @agentry/task-packs — built-in packs. Every export here is public API.
import { echoPack } from './packs/echo';
import { summarizePack } from './packs/summarize';
import { deployConfigPack } from './packs/deploy-config';

export { echoPack, summarizePack };
export {
  createKnowledgeSearchPack,
  knowledgeSearchCapabilities,
  retrievalMetrics,
  type KnowledgeSearchOptions,
  type Passage,
} from './packs/knowledge-search';
export {
  createProjectTrackerPack,
  projectTrackerCapabilities,
  trackerCapabilities,
  verifyTrackerWebhook,
  signTrackerWebhook,
  parseTrackerEvent,
  type ProjectTrackerOptions,
  type ProjectTrackerInput,
  type ProjectTrackerOutput,
  type TrackerEvent,
  type TrackerIssue,
  type TrackerWebhookDelivery,
} from './packs/project-tracker';
export {
  createDeployConfigPack,
  deployConfigPack,
  renderDeployConfig,
  deployConfigCapabilities,
  type DeployConfigOptions,
  type DeployPolicy,
  type DeployViolation,
  type ServiceSettingsInput,
  type DeployConfigOutput,
} from './packs/deploy-config';

/**
 * The built-in packs `agentry dev` hosts when this package is installed: the ones that need no
 * configuration. knowledge-search (a folder) and project-tracker (a repository and token) are
 * created with their factories.
 */
export const builtinPacks = [echoPack, summarizePack, deployConfigPack] as const;
