import { AgentryError } from '@agentry/sdk';
import { z } from 'zod';
import {
  githubCommentSchema,
  githubIssueSchema,
  toTrackerComment,
  toTrackerIssue,
  type TrackerComment,
  type TrackerIssue,
} from './tracker-schemas';

/** Actions GitHub sends with `issues` events (others may be added; they still parse). */
export type IssueAction =
  | 'opened'
  | 'edited'
  | 'closed'
  | 'reopened'
  | 'deleted'
  | 'labeled'
  | 'unlabeled'
  | 'assigned'
  | 'unassigned'
  | 'transferred'
  | 'pinned'
  | 'unpinned'
  | 'locked'
  | 'unlocked'
  | 'milestoned'
  | 'demilestoned'
  | (string & {});

/** A tracker event, parsed and narrowed by `type`. */
export type TrackerEvent =
  | { type: 'issues'; action: IssueAction; issue: TrackerIssue; repository: string; sender: string | null }
  | {
      type: 'issue_comment';
      action: 'created' | 'edited' | 'deleted' | (string & {});
      issue: TrackerIssue;
      comment: TrackerComment;
      repository: string;
      sender: string | null;
    }
  | { type: 'ping'; zen: string; hookId: number | null }
  | { type: 'unknown'; name: string; payload: unknown };

const repository = z.object({ full_name: z.string() });
const sender = z.object({ login: z.string() }).nullable().optional();
const issuesPayload = z.object({ action: z.string(), issue: githubIssueSchema, repository, sender });
const commentPayload = z.object({ action: z.string(), issue: githubIssueSchema, comment: githubCommentSchema, repository, sender });
const pingPayload = z.object({ zen: z.string().default(''), hook_id: z.number().int().nullable().optional() });

/**
 * Parses a webhook payload by its event name (`X-GitHub-Event`). Events the connector does not
 * model come back as `{ type: 'unknown' }` rather than failing, so a new event type never breaks
 * a receiver.
 *
 * @throws AgentryError `AGENTRY_WEBHOOK_INVALID` when a known event's payload is malformed.
 */
export function parseTrackerEvent(name: string, payload: unknown): TrackerEvent {
  switch (name) {
    case 'issues': {
      const event = check(issuesPayload, payload, name);
      return {
        type: 'issues',
        action: event.action,
        issue: toTrackerIssue(event.issue),
        repository: event.repository.full_name,
        sender: event.sender?.login ?? null,
      };
    }
    case 'issue_comment': {
      const event = check(commentPayload, payload, name);
      return {
        type: 'issue_comment',
        action: event.action,
        issue: toTrackerIssue(event.issue),
        comment: toTrackerComment(event.comment),
        repository: event.repository.full_name,
        sender: event.sender?.login ?? null,
      };
    }
    case 'ping': {
      const event = check(pingPayload, payload, name);
      return { type: 'ping', zen: event.zen, hookId: event.hook_id ?? null };
    }
    default:
      return { type: 'unknown', name, payload };
  }
}

function check<Schema extends z.ZodType>(schema: Schema, payload: unknown, name: string): z.infer<Schema> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new AgentryError('AGENTRY_WEBHOOK_INVALID', `tracker webhook: the ${name} payload is malformed`, {
      details: result.error.issues.slice(0, 5).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return result.data;
}
