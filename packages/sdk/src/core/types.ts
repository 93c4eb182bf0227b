export type { InvokeRequest } from '../contract';
import type { z } from 'zod';
import type { cacheControlSchema } from '../contract';

/** Per-call cache control. */
export type CacheControl = z.infer<typeof cacheControlSchema>;
