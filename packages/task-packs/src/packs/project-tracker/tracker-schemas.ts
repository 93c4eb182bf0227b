import { z } from 'zod';

/** An issue as the pack returns it: GitHub's fields, renamed to camelCase and flattened. */
export const trackerIssueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string(),
  state: z.enum({ open: 'open', closed: 'closed' }),
  /** Why it was closed or reopened: `completed`, `not_planned`, `reopened`, `duplicate`, or null. */
  stateReason: z.string().nullable(),
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  author: z.string().nullable(),
  url: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  /** Number of comments. */
  comments: z.number().int().nonnegative(),
});

/** An issue. */
export type TrackerIssue = z.infer<typeof trackerIssueSchema>;

/** A comment on an issue. */
export const trackerCommentSchema = z.object({
  id: z.number().int(),
  body: z.string(),
  author: z.string().nullable(),
  url: z.string(),
  createdAt: z.string(),
});

/** A comment. */
export type TrackerComment = z.infer<typeof trackerCommentSchema>;

const githubUser = z.object({ login: z.string() }).nullable().optional();

/** The subset of GitHub's issue object the connector reads (REST API v3, 2022-11-28). */
export const githubIssueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.enum({ open: 'open', closed: 'closed' }),
  state_reason: z.string().nullable().optional(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string() })])).default([]),
  assignees: z
    .array(z.object({ login: z.string() }))
    .nullable()
    .optional(),
  user: githubUser,
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable().optional(),
  comments: z.number().int().nonnegative().default(0),
  /** Present when the "issue" is a pull request (the issues API lists both). */
  pull_request: z.unknown().optional(),
});

/** The subset of GitHub's issue comment object the connector reads. */
export const githubCommentSchema = z.object({
  id: z.number().int(),
  body: z.string().nullable().optional(),
  user: githubUser,
  html_url: z.string(),
  created_at: z.string(),
});

/** GitHub's `GET /search/issues` answer. */
export const githubSearchSchema = z.object({
  total_count: z.number().int().nonnegative(),
  incomplete_results: z.boolean().optional(),
  items: z.array(githubIssueSchema),
});

/** Maps GitHub's issue object to {@link TrackerIssue}. */
export function toTrackerIssue(issue: z.infer<typeof githubIssueSchema>): TrackerIssue {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state,
    stateReason: issue.state_reason ?? null,
    labels: issue.labels.map((label) => (typeof label === 'string' ? label : label.name)),
    assignees: (issue.assignees ?? []).map((assignee) => assignee.login),
    author: issue.user?.login ?? null,
    url: issue.html_url,
    createdAt: issue.created_at,
    updatedAt: issue.updated_at,
    closedAt: issue.closed_at ?? null,
    comments: issue.comments,
  };
}

/** Maps GitHub's comment object to {@link TrackerComment}. */
export function toTrackerComment(comment: z.infer<typeof githubCommentSchema>): TrackerComment {
  return {
    id: comment.id,
    body: comment.body ?? '',
    author: comment.user?.login ?? null,
    url: comment.html_url,
    createdAt: comment.created_at,
  };
}
