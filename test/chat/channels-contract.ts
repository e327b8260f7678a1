import type {
  ChatChannels,
  ChatFailure,
  ChatFailureReason,
  ChatResult,
  DestinationRef,
  PrivateRecipient,
} from '../../src/core/chat.js';
import { formatDate } from '../../src/domain/thresholds.js';
import { renewedView, SECRET_TOKEN, secretView, warningView } from './views.js';

/** How a test breaks a channel: the bot was removed, lost its rights, or is throttled. */
export type ChannelBreak = 'gone' | 'forbidden' | 'rate_limited';

/** One implementation of ChatChannels wired to whatever it talks to, plus ways to look inside. */
export interface ChannelsUnderTest {
  channels: ChatChannels;
  /** A fresh channel the bot is connected to; a new one per call, so faults never carry over. */
  destination(): DestinationRef;
  /** An admin who can be reached privately. */
  recipient(): PrivateRecipient;
  /** The next post to `destination` fails as `kind`, through all of the platform's retries. */
  breakChannel(destination: DestinationRef, kind: ChannelBreak): void;
  /** The next private message to `recipient` is refused. */
  breakRecipient(recipient: PrivateRecipient): void;
  /** All text of every channel post and update, oldest first, as people in the channel read it. */
  channelPosts(): string[];
  /** All text of every private message and its updates, oldest first. */
  privateMessages(): string[];
  /** The log lines written so far (empty where nothing is logged). */
  logLines(): string[];
  close(): Promise<void>;
}

const EXPECTED_REASON: Record<ChannelBreak, ChatFailureReason> = {
  gone: 'channel_gone',
  forbidden: 'forbidden',
  rate_limited: 'rate_limited',
};

/** Every string inside a message body, so checks read what a person reads, not escaped JSON. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join('\n');
  return '';
}

function expectOk<T>(result: ChatResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.failure)}`);
  return result.value;
}

function expectFailure<T>(result: ChatResult<T>): ChatFailure {
  if (result.ok) throw new Error('expected a failure, got ok');
  return result.failure;
}

/** The behaviour the core relies on, run against every implementation of ChatChannels. */
export function chatChannelsContract(name: string, setup: () => Promise<ChannelsUnderTest>): void {
  describe(`ChatChannels contract: ${name}`, () => {
    let t: ChannelsUnderTest;

    beforeAll(async () => {
      t = await setup();
    });

    afterAll(async () => {
      await t?.close();
    });

    const lastPost = () => t.channelPosts().at(-1) ?? '';
    const lastPrivate = () => t.privateMessages().at(-1) ?? '';

    it('posts a warning that names the account, the expiry date and a renew action', async () => {
      const view = warningView();

      const ref = expectOk(await t.channels.postWarning(t.destination(), view));

      expect(ref).toEqual(expect.any(String));
      expect(ref).not.toBe('');
      const post = lastPost();
      expect(post).toContain(view.accountName);
      expect(post).toContain(formatDate(view.expiresAt, view.timezone));
      expect(post).toMatch(/renew token/i);
      expect(post).not.toContain(SECRET_TOKEN);
    });

    it('marks the warning it posted as renewed', async () => {
      const destination = t.destination();
      const ref = expectOk(await t.channels.postWarning(destination, warningView()));

      expectOk(await t.channels.markRenewed(destination, ref, renewedView()));

      expect(lastPost()).toContain('renewed by Ada Admin');
    });

    it('posts the renewal anew when the warning is not known', async () => {
      const before = t.channelPosts().length;

      expectOk(await t.channels.markRenewed(t.destination(), undefined, renewedView()));

      expect(t.channelPosts()).toHaveLength(before + 1);
      expect(lastPost()).toContain('renewed by Ada Admin');
    });

    it('posts a plain notice', async () => {
      expectOk(await t.channels.postNotice(t.destination(), 'The bot watches Acme Logistics.'));

      expect(lastPost()).toContain('The bot watches Acme Logistics.');
    });

    it('posts a quarantine alert where the platform has one', async () => {
      // Optional in the interface: the core falls back to a notice when it is absent.
      if (!t.channels.postQuarantineAlert) return;
      const app = { accountId: 'acme', kind: 'user', appName: 'Timly' };

      expectOk(await t.channels.postQuarantineAlert(t.destination(), app, 'Timly is quarantined.'));

      expect(lastPost()).toContain('Timly is quarantined.');
    });

    it('shows the secret privately with the numbered steps of each enterprise app', async () => {
      const view = secretView();

      const ref = expectOk(await t.channels.sendSecret(t.recipient(), view));

      expect(ref).not.toBe('');
      const message = lastPrivate();
      expect(message).toContain(SECRET_TOKEN);
      for (const app of view.apps) {
        expect(message).toContain(app.name);
        app.steps.forEach((step, index) => expect(message).toContain(`${index + 1}. ${step}`));
      }
      expect(t.channelPosts().join('\n')).not.toContain(SECRET_TOKEN);
    });

    it('takes the secret it showed off screen', async () => {
      const recipient = t.recipient();
      const ref = expectOk(await t.channels.sendSecret(recipient, secretView()));

      expectOk(await t.channels.redactSecret(recipient, ref, 'confirmed as applied in Entra'));
    });

    it('sends a private plain message', async () => {
      expectOk(await t.channels.sendDirect(t.recipient(), 'Your channel is broken.'));

      expect(lastPrivate()).toContain('Your channel is broken.');
    });

    describe.each(['gone', 'forbidden', 'rate_limited'] as const)('a channel %s', (kind) => {
      it(`gives ${EXPECTED_REASON[kind]}`, async () => {
        const destination = t.destination();
        t.breakChannel(destination, kind);

        const failure = expectFailure(await t.channels.postWarning(destination, warningView()));

        expect(failure.message).not.toContain(SECRET_TOKEN);
        expect(failure.reason).toBe(EXPECTED_REASON[kind]);
      });
    });

    it('fails a refused secret with a message that does not carry the token', async () => {
      const recipient = t.recipient();
      t.breakRecipient(recipient);

      const failure = expectFailure(await t.channels.sendSecret(recipient, secretView()));

      expect(failure.message).not.toContain(SECRET_TOKEN);
    });

    // Last, so that it sees everything the cases above posted and logged.
    it('never writes the token to a channel or a log line', () => {
      const leaks = [...t.channelPosts(), ...t.logLines()].filter((text) =>
        text.includes(SECRET_TOKEN),
      );
      expect(leaks).toEqual([]);
    });
  });
}
