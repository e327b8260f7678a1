import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ACTION_CONFIRM_APPLIED, ACTION_RENEW, ACTION_SHOW_AGAIN } from '../../src/slack/blocks.js';

interface SlackManifest {
  display_information: { name: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: { command: string; url: string; usage_hint: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string } };
}

const manifest = parse(readFileSync('manifests/slack/manifest.yml', 'utf8')) as SlackManifest;

describe('the Slack app manifest', () => {
  it('sends the slash command and the buttons to the one /slack/events route', () => {
    const [command] = manifest.features.slash_commands;

    expect(command!.command).toBe('/timly-renew');
    expect(new URL(command!.url).pathname).toBe('/slack/events');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe('/slack/events');
  });

  it('offers every command word of the contract in its usage hint', () => {
    const hint = manifest.features.slash_commands[0]!.usage_hint;

    for (const word of ['status', 'renew', 'connect', 'disconnect', 'help']) {
      expect(hint).toContain(word);
    }
  });

  it('asks for the scopes the bot calls: post, direct messages and the e-mail lookup', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'im:write', 'users:read.email']),
    );
  });

  it('names the button action ids of the contract', () => {
    expect([ACTION_RENEW, ACTION_CONFIRM_APPLIED, ACTION_SHOW_AGAIN]).toEqual([
      'renew_token',
      'confirm_applied',
      'show_secret_again',
    ]);
  });
});
