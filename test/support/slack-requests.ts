import { createHmac } from 'node:crypto';

/** A request to the bot's /slack/events, built and signed like Slack does (v0 HMAC). */
export interface SlackRequest {
  body: string;
  headers: Record<string, string>;
}

export function sign(
  body: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${signature}`,
  };
}

export interface SlashCommandInput {
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  responseUrl: string;
}

/** The form Slack posts for `/timly-renew TEXT`. */
export function slashCommand(input: SlashCommandInput, secret: string): SlackRequest {
  const body = new URLSearchParams({
    token: 'legacy',
    team_id: 'T0TEAM',
    team_domain: 'acme',
    channel_id: input.channelId ?? 'C0ADMINS',
    channel_name: 'timly-admins',
    user_id: input.userId ?? 'U0ADMIN',
    user_name: input.userName ?? 'ada',
    command: '/timly-renew',
    text: input.text,
    api_app_id: 'A0APP',
    response_url: input.responseUrl,
    trigger_id: '1.2.3',
  }).toString();
  return { body, headers: sign(body, secret) };
}

export interface ButtonClickInput {
  actionId: string;
  value: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  messageTs?: string;
  responseUrl: string;
}

/** The block_actions payload Slack posts when a button is clicked. */
export function buttonClick(input: ButtonClickInput, secret: string): SlackRequest {
  const channel = input.channelId ?? 'C0ADMINS';
  const messageTs = input.messageTs ?? '1700000000.000100';
  const payload = {
    type: 'block_actions',
    team: { id: 'T0TEAM', domain: 'acme' },
    user: {
      id: input.userId ?? 'U0ADMIN',
      username: input.userName ?? 'ada',
      name: input.userName ?? 'ada',
      team_id: 'T0TEAM',
    },
    api_app_id: 'A0APP',
    token: 'legacy',
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: '1.2.3',
    channel: { id: channel, name: 'timly-admins' },
    message: { type: 'message', ts: messageTs, text: 'warning' },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: 'b1',
        value: input.value,
        text: { type: 'plain_text', text: 'button' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return { body, headers: sign(body, secret) };
}

/** Posts a request to the bot. */
export async function send(
  baseUrl: string,
  request: SlackRequest,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { ...request.headers, ...extraHeaders },
    body: request.body,
  });
  return { status: response.status, text: await response.text() };
}

/** Signs over the timestamp header exactly as given, for garbled or odd timestamp formats. */
export function signWithRawTimestamp(
  body: string,
  secret: string,
  timestamp: string,
): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': `v0=${signature}`,
  };
}

/** Any body, correctly signed, under the given content type; for malformed input. */
export function signedBody(
  body: string,
  secret: string,
  contentType = 'application/x-www-form-urlencoded',
): SlackRequest {
  return { body, headers: { ...sign(body, secret), 'content-type': contentType } };
}

/** A form whose `payload` field holds the given text as-is (valid JSON or not), signed. */
export function payloadForm(payloadText: string, secret: string): SlackRequest {
  const body = new URLSearchParams({ payload: payloadText }).toString();
  return { body, headers: sign(body, secret) };
}

/** GETs a path of the bot, for health checks around hostile requests. */
export async function get(
  baseUrl: string,
  path: string,
): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${baseUrl}${path}`);
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, text: await response.text() };
}
