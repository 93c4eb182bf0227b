import { z } from 'zod';
import { trackerCommentSchema, trackerIssueSchema } from './tracker-schemas';

const issueNumber = z.number().int().positive().max(2_147_483_647);
const state = z.enum({ open: 'open', closed: 'closed', all: 'all' });
const names = z.array(z.string().min(1).max(100)).max(20);
const paging = {
  /** First page, 1-based. @default 1 */
  page: z.number().int().min(1).max(1_000).default(1),
  /** Issues per page (GitHub allows 1 to 100). @default 30 */
  perPage: z.number().int().min(1).max(100).default(30),
  /** Pages to follow through the Link header in this call. @default 1 */
  pages: z.number().int().min(1).max(10).default(1),
};

/**
 * Input of the project-tracker pack: one operation, chosen by `op`.
 * The top-level `type: object` keeps the JSON Schema usable as an MCP tool input schema.
 */
export const projectTrackerInputSchema = z
  .discriminatedUnion('op', [
    z.object({ op: z.literal('list'), state: state.default('open'), labels: names.optional(), ...paging }),
    z.object({ op: z.literal('search'), query: z.string().min(1).max(256), state: state.default('all'), ...paging }),
    z.object({ op: z.literal('get'), number: issueNumber }),
    z.object({
      op: z.literal('create'),
      title: z.string().min(1).max(256),
      body: z.string().max(65_536).optional(),
      labels: names.optional(),
      assignees: names.optional(),
    }),
    z.object({ op: z.literal('comment'), number: issueNumber, body: z.string().min(1).max(65_536) }),
    z.object({
      op: z.literal('transition'),
      number: issueNumber,
      state: z.enum({ open: 'open', closed: 'closed' }),
      /** `completed` or `not_planned` when closing, `reopened` when opening. */
      reason: z.enum({ completed: 'completed', not_planned: 'not_planned', reopened: 'reopened' }).optional(),
    }),
  ])
  .meta({ type: 'object' });

/** Output of the project-tracker pack, shaped by the operation. */
export const projectTrackerOutputSchema = z
  .discriminatedUnion('op', [
    z.object({ op: z.literal('list'), issues: z.array(trackerIssueSchema), nextPage: z.number().int().positive().nullable() }),
    z.object({
      op: z.literal('search'),
      issues: z.array(trackerIssueSchema),
      /** Matches in the whole repository, not only on the pages returned. */
      total: z.number().int().nonnegative(),
      nextPage: z.number().int().positive().nullable(),
    }),
    z.object({ op: z.literal('get'), issue: trackerIssueSchema }),
    z.object({ op: z.literal('create'), issue: trackerIssueSchema }),
    z.object({ op: z.literal('comment'), comment: trackerCommentSchema }),
    z.object({ op: z.literal('transition'), issue: trackerIssueSchema }),
  ])
  .meta({ type: 'object' });

/** One operation the pack accepts. */
export type ProjectTrackerInput = z.infer<typeof projectTrackerInputSchema>;
/** What the pack answers. */
export type ProjectTrackerOutput = z.infer<typeof projectTrackerOutputSchema>;
