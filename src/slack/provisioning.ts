import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { isAdmin } from '../core/accounts.js';
import type { CoreServices } from '../core/services.js';
import type { ProvisioningKind } from '../domain/apps.js';
import type { EntraService } from '../graph/entra.js';
import { slackActor } from './actor.js';
import type { SlackMessage } from './blocks.js';

export const ACTION_RESTART_PROVISIONING = 'restart_provisioning';

/** A quarantine alert with the button that restarts the job with its quarantine reset. */
export function quarantineMessage(
  app: { accountId: string; kind: string; appName: string },
  text: string,
): SlackMessage {
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION_RESTART_PROVISIONING,
            value: `${app.accountId}|${app.kind}`,
            text: { type: 'plain_text', text: 'Restart provisioning' },
          },
        ],
      },
    ],
  };
}

/** Registers "Restart provisioning": admins only, through Microsoft Graph. */
export function registerProvisioningActions(
  app: App,
  core: CoreServices,
  entra: EntraService | undefined,
): void {
  app.action<BlockAction<ButtonAction>>(
    ACTION_RESTART_PROVISIONING,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const [accountId = '', kind = ''] = (action.value ?? '').split('|');
      const account = await core.accounts.get(accountId);
      const reply = async (text: string) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      };
      if (!account || !entra || (kind !== 'user' && kind !== 'person')) {
        return reply('This provisioning job is unknown to the bot, or Graph is not set up.');
      }
      const actor = await slackActor(client, body.user.id, body.user.name ?? body.user.id, account);
      if (!isAdmin(account, actor)) {
        return reply(`Only the admins of ${account.name} can restart provisioning.`);
      }

      const outcome = await entra.restartProvisioning(account.id, kind as ProvisioningKind);
      await core.audit.record(account.id, actor.name, 'provisioning_restarted', {
        kind,
        ok: outcome.ok,
      });
      return reply(outcome.message);
    },
  );
}
