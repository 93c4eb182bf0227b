export { createProjectTrackerPack, runOperation, type ProjectTrackerOptions } from './project-tracker-pack';
export {
  projectTrackerInputSchema,
  projectTrackerOutputSchema,
  type ProjectTrackerInput,
  type ProjectTrackerOutput,
} from './project-tracker-schemas';
export { projectTrackerCapabilities, trackerCapabilities } from './project-tracker-capabilities';
export { createTrackerClient, type TrackerClient, type IssuePage, type PageRequest } from './tracker-client';
export {
  createTrackerHttp,
  systemClock,
  type TrackerClock,
  type TrackerHttp,
  type TrackerHttpOptions,
  type TrackerScope,
  type TrackerCall,
  type TrackerResponse,
} from './tracker-http';
export { trackerIssueSchema, trackerCommentSchema, type TrackerIssue, type TrackerComment } from './tracker-schemas';
export { verifyTrackerWebhook, signTrackerWebhook, type TrackerWebhookDelivery } from './tracker-webhook';
export { parseTrackerEvent, type TrackerEvent, type IssueAction } from './tracker-events';
export { parseLinkHeader } from './link-header';
export { rateLimitDelay } from './rate-limit-delay';
