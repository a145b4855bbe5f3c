import type { z } from 'zod';
import { AppError } from './errors';

/** Validates a request body or query against a zod schema; 400 names every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  throw new AppError('bad_request', `Invalid request: ${problems.join('; ')}`, { problems });
}
