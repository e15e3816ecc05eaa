// Parsing one JSON text frame of a live feed against its zod schema: anything that is not
// valid is skipped (with a console note) rather than trusted.
import type { z } from 'zod';

/** The frame as `schema`'s type; null for binary frames, non-JSON and unknown events. */
export function parseFrame<T>(schema: z.ZodType<T>, data: string | ArrayBuffer, feed = 'a live feed'): T | null {
  if (typeof data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    console.warn(`pier: ${feed} sent a frame that is not JSON`);
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    console.warn(`pier: ${feed} sent an unknown event`, parsed.error);
    return null;
  }
  return parsed.data;
}
