import { z } from 'zod';

// The documented shapes of the Graph answers the bot reads; unknown fields are dropped.

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/** A service principal, with the fields the bot selects. */
export const servicePrincipalSchema = z.object({
  id: z.string(),
  appId: z
    .string()
    .nullish()
    .transform((value) => value ?? ''),
  displayName: z
    .string()
    .nullish()
    .transform((value) => value ?? ''),
});

/** A synchronization job with its status and quarantine. */
export const jobSchema = z.object({
  id: z.string(),
  templateId: text,
  status: z.object({
    code: z.string(),
    quarantine: z
      .object({
        reason: text,
        seriesBegan: text,
        currentBegan: text,
        nextAttempt: text,
        error: z
          .object({ code: text, message: text, tenantActionable: z.boolean().nullish() })
          .nullish()
          .transform((error) =>
            error ? { ...error, tenantActionable: error.tenantActionable ?? undefined } : error,
          ),
      })
      .nullish(),
  }),
});

/** One synchronization secret (key and value). */
export const secretSchema = z.object({
  key: z.string(),
  value: z.string().nullish().default(null),
});

/** A Graph collection: `{ value: [...] }`. */
export const listOf = <T extends z.ZodTypeAny>(item: T) => z.object({ value: z.array(item) });

/** Retry-After as seconds, from either delta-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** A body as JSON when it is JSON, else the raw text (error pages), else undefined. */
export function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
