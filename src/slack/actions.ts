import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  RespondFn,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { followUpRefusal, processReply, renewalRefusal, failureReply } from '../core/replies.js';
import type { CoreServices } from '../core/services.js';
import type { Logger } from '../logger.js';
import { slackActor } from './actor.js';
import { ACTION_CONFIRM_APPLIED, ACTION_RENEW, ACTION_SHOW_AGAIN } from './blocks.js';
import { ACTION_RESTART_PROVISIONING } from './provisioning.js';

interface Click {
  value: string;
  userId: string;
  userName: string;
  channelId?: string;
  messageTs?: string;
}

function clickOf(body: BlockAction, action: ButtonAction): Click {
  return {
    value: action.value ?? '',
    userId: body.user.id,
    userName: body.user.name ?? body.user.username ?? body.user.id,
    channelId: body.channel?.id ?? body.container?.channel_id,
    messageTs: body.message?.ts ?? body.container?.message_ts,
  };
}

function whisper(respond: RespondFn, text: string) {
  return respond({ response_type: 'ephemeral', replace_original: false, text });
}

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

// A failure nobody planned for still gets the clicker an answer, never silence or a trace.
function guarded(log: Logger, handler: (args: ButtonArgs) => Promise<void>) {
  return async (args: ButtonArgs) => {
    try {
      await handler(args);
    } catch (error) {
      log.error({ actionId: args.action.action_id, err: (error as Error).message }, 'failed');
      await whisper(args.respond, failureReply(error)).catch(() => undefined);
    }
  };
}

/** Registers the buttons: Renew, "Done, Entra is updated" and "Show token again". */
export function registerActions(app: App, core: CoreServices, log: Logger): void {
  app.action<BlockAction<ButtonAction>>(
    ACTION_RENEW,
    guarded(log, async ({ ack, body, action, client, respond }) => {
      await ack();
      const click = clickOf(body, action);
      const account = await core.accounts.get(click.value);
      const actor = await slackActor(client, click.userId, click.userName, account);

      const outcome = await core.renewals.request({
        accountId: click.value,
        actor,
        recipient: { platform: 'slack', userId: click.userId, channelId: click.channelId },
        expectedExpiresAt: await warnedExpiry(core, click),
      });
      const refusal = renewalRefusal(outcome);
      if (refusal !== undefined || outcome.kind !== 'started') {
        await whisper(respond, refusal ?? 'Nothing to do.');
        return;
      }

      const processed = await core.renewals.process(outcome.renewalId);
      const text = processReply(processed);
      if (text) await whisper(respond, text);
      log.info({ accountId: click.value, result: processed.kind }, 'renew click handled');
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    ACTION_CONFIRM_APPLIED,
    guarded(log, async ({ ack, body, action, client, respond }) => {
      await ack();
      const click = clickOf(body, action);
      const actor = await slackActor(client, click.userId, click.userName);
      const outcome = await core.renewals.delivery.confirmApplied(click.value, actor);
      const refusal = followUpRefusal(outcome);
      if (refusal !== undefined) {
        await whisper(respond, refusal);
        return;
      }
      await respond({
        replace_original: true,
        text:
          ':white_check_mark: Thanks: Entra has the new token. The bot deleted its copy; ' +
          'the token is no longer shown here.',
      });
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    ACTION_SHOW_AGAIN,
    guarded(log, async ({ ack, body, action, client, respond }) => {
      await ack();
      const click = clickOf(body, action);
      const actor = await slackActor(client, click.userId, click.userName);
      // The token goes where this click came from: the first delivery may be what failed.
      const recipient = {
        platform: 'slack' as const,
        userId: click.userId,
        channelId: click.channelId,
      };
      const outcome = await core.renewals.delivery.showAgain(click.value, actor, recipient);
      const refusal = followUpRefusal(outcome);
      if (refusal !== undefined) await whisper(respond, refusal);
    }),
  );

  // A button this version does not know (a forged click, an old message) is acked, so that Bolt
  // does not answer 404 after its timeout; nothing else happens. Every action id the bot
  // registers belongs in this list: Bolt runs all matching listeners, and a second ack throws.
  const known = [
    ACTION_RENEW,
    ACTION_CONFIRM_APPLIED,
    ACTION_SHOW_AGAIN,
    ACTION_RESTART_PROVISIONING,
  ];
  const unknown = new RegExp(`^(?!(?:${known.join('|')})$)`);
  app.action(unknown, async ({ ack, action }) => {
    await ack();
    log.info({ actionId: 'action_id' in action ? action.action_id : undefined }, 'unknown action');
  });
}

// The token a clicked warning was about, so that a click on an old warning renews nothing.
async function warnedExpiry(core: CoreServices, click: Click): Promise<Date | undefined> {
  if (!click.messageTs || !click.channelId) return undefined;
  const warning = await core.prisma.warning.findFirst({
    where: {
      messageRef: click.messageTs,
      destination: { platform: 'slack', channelId: click.channelId },
    },
  });
  return warning?.tokenExpiresAt;
}
