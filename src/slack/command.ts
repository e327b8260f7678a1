import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseCommand } from '../core/commands.js';
import { failureReply, processReply, renewalRefusal } from '../core/replies.js';
import type { CoreServices } from '../core/services.js';
import { isAdmin } from '../core/accounts.js';
import type { Logger } from '../logger.js';
import { slackActor } from './actor.js';
import { HELP_TEXT, statusText } from './blocks.js';

type Reply = (text: string) => Promise<void>;
type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** Registers `/timly-renew` with status, renew, connect, disconnect and help. */
export function registerCommand(app: App, core: CoreServices, log: Logger): void {
  app.command('/timly-renew', async (args) => {
    // A failure nobody planned for still gets an answer: in the ack if none went yet.
    let acked = false;
    const ack: typeof args.ack = async (response) => {
      acked = true;
      await args.ack(response);
    };
    try {
      await handle({ ...args, ack });
    } catch (error) {
      log.error({ err: (error as Error).message }, '/timly-renew failed');
      const answer = { response_type: 'ephemeral' as const, text: failureReply(error) };
      await (acked ? args.respond(answer) : args.ack(answer)).catch(() => undefined);
    }
  });

  async function handle({ command, ack, client, respond }: CommandArgs): Promise<void> {
    const parsed = parseCommand(command.text);
    const account = 'accountId' in parsed ? await core.accounts.get(parsed.accountId) : undefined;
    const actor = await slackActor(client, command.user_id, command.user_name, account);
    const reply: Reply = (text) => ack({ response_type: 'ephemeral', text });

    switch (parsed.kind) {
      case 'invalid':
        return reply(parsed.message);
      case 'help':
        return reply(HELP_TEXT);
      case 'status': {
        const connected = await core.accounts.connectedTo('slack', command.channel_id);
        const own = await core.accounts.administeredBy(actor);
        const seen = [...connected, ...own.filter((a) => !connected.some((c) => c.id === a.id))];
        const statuses = await Promise.all(seen.map((a) => core.status.of(a)));
        return reply(statusText(statuses));
      }
    }

    if (!account) {
      return reply(`There is no account "${parsed.accountId}". An operator registers it first.`);
    }
    if (!isAdmin(account, actor)) {
      return reply(`Only the admins of ${account.name} can do that: ${account.admins.join(', ')}.`);
    }

    if (parsed.kind === 'connect') {
      const destination = { platform: 'slack' as const, channelId: command.channel_id };
      await core.accounts.connect(account.id, destination, actor);
      const status = await core.status.of(account);
      return reply(
        `This channel now receives the warnings for ${account.name}.\n${statusText([status])}`,
      );
    }
    if (parsed.kind === 'disconnect') {
      const removed = await core.accounts.disconnect(
        account.id,
        'slack',
        command.channel_id,
        actor,
      );
      return reply(
        removed
          ? `This channel no longer receives the warnings for ${account.name}.`
          : `This channel was not connected to ${account.name}.`,
      );
    }

    await reply(`Renewing the token of ${account.name}…`);
    const outcome = await core.renewals.request({
      accountId: account.id,
      actor,
      recipient: { platform: 'slack', userId: actor.userId, channelId: command.channel_id },
    });
    const refusal = renewalRefusal(outcome);
    if (refusal !== undefined) {
      await respond({ response_type: 'ephemeral', text: refusal });
      return;
    }
    if (outcome.kind !== 'started') return;
    const processed = await core.renewals.process(outcome.renewalId);
    const text = processReply(processed);
    if (text) await respond({ response_type: 'ephemeral', text });
    log.info({ accountId: account.id, result: processed.kind }, 'renewal by command handled');
  }
}
