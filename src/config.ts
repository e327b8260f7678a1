import { z } from 'zod';
import { ErrorCode, TimlyRenewError } from './errors.js';

// Every default of a setting is written here, next to its variable.
const DEFAULTS = {
  PORT: 3978,
  NOTIFY_HOUR: 9,
  ENTRA_POLL_SECONDS: 3600,
  LOG_LEVEL: 'info',
  SECRET_TTL_HOURS: 24,
  SWEEP_MINUTES: 10,
  TOKEN_SERVICE_TIMEOUT_SECONDS: 10,
} as const;

// "must be one of a, b, c" rather than zod's own wording, which quotes TypeScript types.
const oneOf = {
  errorMap: (issue: z.ZodIssueOptionalMessage) => ({
    message:
      issue.code === 'invalid_enum_value'
        ? `must be one of ${issue.options.join(', ')}`
        : 'is invalid',
  }),
};

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = (hint: string) =>
  optionalText.pipe(
    z
      .string()
      .url({ message: `must be a URL, ${hint}` })
      .optional(),
  );

const integer = (min: number, max: number, fallback: number) =>
  optionalText.pipe(
    z.coerce
      .number({ invalid_type_error: `must be a whole number from ${min} to ${max}` })
      .int({ message: `must be a whole number from ${min} to ${max}` })
      .min(min, { message: `must be a whole number from ${min} to ${max}` })
      .max(max, { message: `must be a whole number from ${min} to ${max}` })
      .default(fallback),
  );

const encryptionKey = optionalText.pipe(
  z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, {
      message: 'must be 32 bytes in base64 (make one with `openssl rand -base64 32`)',
    })
    .optional(),
);

const schema = z.object({
  PORT: integer(0, 65535, DEFAULTS.PORT),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' })
      .optional(),
  ),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalUrl('ending in /api/'),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_APP_TYPE: optionalText.pipe(
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], oneOf).optional(),
  ),
  TOKEN_SERVICE_URL: optionalUrl('for example https://timly.example/api'),
  TOKEN_SERVICE_API_KEY: optionalText,
  TOKEN_SERVICE_TIMEOUT_SECONDS: integer(1, 120, DEFAULTS.TOKEN_SERVICE_TIMEOUT_SECONDS),
  SECRET_ENCRYPTION_KEY: encryptionKey,
  SECRET_TTL_HOURS: integer(1, 24 * 14, DEFAULTS.SECRET_TTL_HOURS),
  GRAPH_TENANT_ID: optionalText,
  GRAPH_CLIENT_ID: optionalText,
  GRAPH_CLIENT_SECRET: optionalText,
  GRAPH_API_URL: optionalUrl('for example https://graph.microsoft.com'),
  GRAPH_AUTHORITY_URL: optionalUrl('for example https://login.microsoftonline.com'),
  NOTIFY_HOUR: integer(0, 23, DEFAULTS.NOTIFY_HOUR),
  ENTRA_POLL_SECONDS: integer(60, 7 * 24 * 3600, DEFAULTS.ENTRA_POLL_SECONDS),
  SWEEP_MINUTES: integer(1, 24 * 60, DEFAULTS.SWEEP_MINUTES),
  LOG_LEVEL: optionalText.pipe(
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], oneOf)
      .default(DEFAULTS.LOG_LEVEL),
  ),
});

type Raw = z.infer<typeof schema>;

/** The settings of one process, parsed once at start-up. */
export interface Config {
  port: number;
  databaseUrl?: string;
  dataDir: string;
  slack?: { botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string };
  teams: { appId?: string; appPassword?: string; tenantId?: string; appType?: string };
  tokenService?: { url: string; apiKey: string };
  tokenServiceTimeoutMs: number;
  secretEncryptionKey?: Buffer;
  secretTtlHours: number;
  graph?: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    apiUrl: string;
    authorityUrl: string;
  };
  notifyHour: number;
  entraPollSeconds: number;
  sweepMinutes: number;
  logLevel: string;
}

function fail(variable: string, problem: string): never {
  throw new TimlyRenewError(ErrorCode.ConfigInvalid, `${variable} ${problem}.`);
}

function requireTogether(raw: Raw, names: (keyof Raw)[], purpose: string): boolean {
  const set = names.filter((name) => raw[name] !== undefined);
  if (set.length === 0) return false;
  const missing = names.find((name) => raw[name] === undefined);
  if (missing) fail(missing, `is missing: ${purpose} needs ${names.join(', ')}`);
  return true;
}

/** Parses the environment; a bad value throws an error naming the variable and the fix. */
export function loadConfig(env: NodeJS.ProcessEnv, dataDir = '.data'): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(String(issue?.path[0] ?? 'a setting'), issue?.message ?? 'is invalid');
  }
  const raw = parsed.data;

  if (raw.SLACK_APP_TOKEN && !raw.SLACK_BOT_TOKEN) {
    fail('SLACK_BOT_TOKEN', 'is missing: Socket Mode (SLACK_APP_TOKEN) needs a bot token too');
  }
  // Socket Mode needs no signing secret: Slack's events come over the app's own connection.
  const slackOn = raw.SLACK_APP_TOKEN
    ? true
    : requireTogether(raw, ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'], 'Slack over HTTP');
  if (raw.SLACK_API_URL && !raw.SLACK_API_URL.endsWith('/api/')) {
    fail('SLACK_API_URL', 'must end in /api/ (for example https://slack.com/api/)');
  }
  const tokenServiceOn = requireTogether(
    raw,
    ['TOKEN_SERVICE_URL', 'TOKEN_SERVICE_API_KEY'],
    'the Timly token service',
  );
  const graphOn = requireTogether(
    raw,
    ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET'],
    'Microsoft Graph',
  );
  if (raw.DATABASE_URL && !raw.SECRET_ENCRYPTION_KEY) {
    fail(
      'SECRET_ENCRYPTION_KEY',
      'is missing: it is required with DATABASE_URL (make one with `openssl rand -base64 32`)',
    );
  }

  return {
    port: raw.PORT,
    databaseUrl: raw.DATABASE_URL,
    dataDir,
    slack: slackOn
      ? {
          botToken: raw.SLACK_BOT_TOKEN!,
          signingSecret: raw.SLACK_SIGNING_SECRET,
          appToken: raw.SLACK_APP_TOKEN,
          apiUrl: raw.SLACK_API_URL,
        }
      : undefined,
    teams: {
      appId: raw.MICROSOFT_APP_ID,
      appPassword: raw.MICROSOFT_APP_PASSWORD,
      tenantId: raw.MICROSOFT_APP_TENANT_ID,
      appType: raw.MICROSOFT_APP_TYPE,
    },
    tokenService: tokenServiceOn
      ? { url: raw.TOKEN_SERVICE_URL!, apiKey: raw.TOKEN_SERVICE_API_KEY! }
      : undefined,
    tokenServiceTimeoutMs: raw.TOKEN_SERVICE_TIMEOUT_SECONDS * 1000,
    secretEncryptionKey: raw.SECRET_ENCRYPTION_KEY
      ? Buffer.from(raw.SECRET_ENCRYPTION_KEY, 'base64')
      : undefined,
    secretTtlHours: raw.SECRET_TTL_HOURS,
    graph: graphOn
      ? {
          tenantId: raw.GRAPH_TENANT_ID!,
          clientId: raw.GRAPH_CLIENT_ID!,
          clientSecret: raw.GRAPH_CLIENT_SECRET!,
          apiUrl: raw.GRAPH_API_URL ?? 'https://graph.microsoft.com',
          authorityUrl: raw.GRAPH_AUTHORITY_URL ?? 'https://login.microsoftonline.com',
        }
      : undefined,
    notifyHour: raw.NOTIFY_HOUR,
    entraPollSeconds: raw.ENTRA_POLL_SECONDS,
    sweepMinutes: raw.SWEEP_MINUTES,
    logLevel: raw.LOG_LEVEL,
  };
}
