import { buttonsOf, cardIn, type ConnectorCall } from '../support/fake-connector.js';
import {
  actionExecute,
  CHANNEL_ID,
  installed,
  message,
  person,
} from '../support/teams-activities.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-harness.js';

const DAY = 24 * 3600_000;
const ada = person('Ada', '11111111-aaaa-4aaa-8aaa-111111111111');
const bob = person('Bob', '22222222-bbbb-4bbb-8bbb-222222222222');

describe('Teams: install, connect, warning, renewal and the private token', () => {
  let h: TeamsHarness;
  const inChannel = (from = ada) => ({ serviceUrl: h.connector.url, from });
  const personal = (from = ada) => ({ ...inChannel(from), channel: 'personal' });

  beforeAll(async () => {
    h = await startTeamsHarness();
    await h.addAccount({
      id: 'acme',
      name: 'Acme AG',
      admins: [ada.aadObjectId],
      expiresAt: new Date(Date.now() + 20 * DAY),
    });
  });

  afterAll(async () => {
    await h.close();
  });

  const channelPosts = () => h.connector.activities(CHANNEL_ID);
  const channelText = (calls: ConnectorCall[]) => JSON.stringify(calls.map((c) => c.body));

  it('welcomes on install and connects the channel on `connect acme`', async () => {
    const install = await h.send(installed(inChannel()));
    expect(install.status).toBe(200);
    expect(JSON.stringify(h.connector.activities().at(-1)?.body)).toContain('connect ACCOUNT');

    const reply = await h.send(message(inChannel(), 'connect acme'));
    expect(reply.status).toBe(200);
    expect(h.connector.activities().at(-1)?.body.text).toContain(
      'This channel now receives the warnings for Acme AG',
    );

    const destination = await h.db.prisma.destination.findFirstOrThrow({
      where: { accountId: 'acme', platform: 'teams' },
    });
    expect(destination.channelId).toBe(CHANNEL_ID);
    expect(destination.conversationRef).toMatchObject({
      serviceUrl: h.connector.url,
      conversation: { id: CHANNEL_ID, tenantId: expect.any(String) },
    });
  });

  it('refuses `connect` from someone who is not an admin', async () => {
    await h.send(message(inChannel(bob), 'connect acme'));
    expect(h.connector.activities().at(-1)?.body.text).toContain('Only the admins of Acme AG');
  });

  let warningId: string;
  let renewButton: { data: any };

  it('posts the warning proactively as an Adaptive Card 1.5 with a Renew button', async () => {
    const report = await h.runtime.sweep.run({ now: new Date() });
    expect(report.posted).toHaveLength(1);

    const post = channelPosts().at(-1)!;
    expect(post.method).toBe('POST');
    expect(post.activityId).toBeUndefined();
    const card = cardIn(post);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(JSON.stringify(card)).toContain('Acme AG');
    const [button] = buttonsOf(card);
    expect(button).toMatchObject({ title: 'Renew token', verb: 'renewToken' });
    expect(button!.data).toMatchObject({ accountId: 'acme', tokenExpiresAt: expect.any(String) });

    const warning = await h.db.prisma.warning.findFirstOrThrow({ where: { accountId: 'acme' } });
    warningId = warning.messageRef!;
    renewButton = button!;
    expect(warningId).toMatch(/^activity-/);
  });

  it('turns the card into a confirmation first and refuses a non-admin', async () => {
    const click = await h.send(
      actionExecute(inChannel(), 'renewToken', renewButton.data, warningId),
    );
    expect(click.status).toBe(200);
    expect(click.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(click.body.value)).toContain('renew only if you can update Entra now');
    expect(buttonsOf(click.body.value).map((b) => b.title)).toEqual(['Renew now', 'Not now']);
    expect(await h.db.prisma.renewal.count()).toBe(0);

    const stranger = await h.send(
      actionExecute(inChannel(bob), 'renewToken', renewButton.data, warningId),
    );
    expect(JSON.stringify(stranger.body.value)).toContain('Only the admins of Acme AG');
  });

  let secretPost: ConnectorCall;
  let token: string;

  it('renews on confirm: token in a 1:1 card, channel card updated for everyone', async () => {
    const confirm = { ...renewButton.data, step: 'confirm' };
    const click = await h.send(actionExecute(inChannel(), 'renewToken', confirm, warningId));
    expect(click.status).toBe(200);
    expect(JSON.stringify(click.body.value)).toContain('1:1 chat');

    await h.connector.waitFor(() =>
      channelPosts().some((c) => c.method === 'PUT' && c.activityId === warningId),
    );
    const opened = h.connector.calls.find((c) => c.method === 'POST' && c.path === '/');
    expect(opened?.body).toMatchObject({ isGroup: false, members: [{ id: ada.id }] });

    secretPost = h.connector
      .activities()
      .find((c) => JSON.stringify(c.body).includes('secretToken'))!;
    expect(secretPost.conversationId).toBe(`a:1:${ada.id}`);
    const card = cardIn(secretPost);
    token = card.body.find((b: { id?: string }) => b.id === 'secretToken').text;
    expect(token.length).toBeGreaterThan(20);
    expect(JSON.stringify(card)).toContain('Timly Person Provisioning');
    expect(JSON.stringify(card)).toContain('1. ');
    expect(buttonsOf(card).map((b) => b.verb)).toEqual(['confirmApplied', 'showSecretAgain']);

    const update = channelPosts().find((c) => c.method === 'PUT' && c.activityId === warningId)!;
    expect(JSON.stringify(cardIn(update))).toMatch(/renewed by Ada on .*The new token expires on/);
    expect(channelText(channelPosts())).not.toContain(token);
    expect(h.logLines.join('\n')).not.toContain(token);
  });

  it('remembers the 1:1 chat in PostgreSQL for later messages', async () => {
    const user = await h.db.prisma.chatUser.findUniqueOrThrow({
      where: { platform_userId: { platform: 'teams', userId: ada.id } },
    });
    expect(user).toMatchObject({ aadObjectId: ada.aadObjectId });
    expect(user.conversationRef).toMatchObject({ conversation: { id: secretPost.conversationId } });
  });

  it('shows the token again and takes the older card off screen', async () => {
    const renewalId = buttonsOf(cardIn(secretPost))[0]!.data.renewalId;
    const before = h.connector.activities(secretPost.conversationId).length;
    const again = await h.send(
      actionExecute(personal(), 'showSecretAgain', { renewalId }, secretPost.responseId!),
    );
    expect(again.status).toBe(200);

    const calls = h.connector.activities(secretPost.conversationId).slice(before);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(JSON.stringify(calls.find((c) => c.method === 'POST')!.body)).toContain(token);
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.activityId).toBe(secretPost.responseId);
    expect(JSON.stringify(put.body)).not.toContain(token);
  });

  it('redacts the 1:1 card when the admin presses "Done, Entra is updated"', async () => {
    const renewalId = buttonsOf(cardIn(secretPost))[0]!.data.renewalId;
    const before = h.connector.activities(secretPost.conversationId).length;
    const posts = h.connector
      .activities(secretPost.conversationId)
      .filter((c) => c.method === 'POST');
    const latest = posts.at(-1)!;
    const done = await h.send(
      actionExecute(personal(), 'confirmApplied', { renewalId }, latest.responseId!),
    );

    expect(JSON.stringify(done.body.value)).toContain('no longer shown');
    const calls = h.connector.activities(secretPost.conversationId).slice(before);
    expect(calls.some((c) => c.method === 'PUT' && c.activityId === latest.responseId)).toBe(true);
    expect(JSON.stringify(calls.map((c) => c.body))).not.toContain(token);
    const renewal = await h.db.prisma.renewal.findUniqueOrThrow({ where: { id: renewalId } });
    expect(renewal).toMatchObject({ state: 'applied', secretSealed: null });
  });

  it('answers a click on the old warning with who renewed, renewing nothing', async () => {
    const confirm = { ...renewButton.data, step: 'confirm' };
    const click = await h.send(actionExecute(inChannel(), 'renewToken', confirm, warningId));
    expect(JSON.stringify(click.body.value)).toContain('You renewed this token');
    expect(await h.db.prisma.renewal.count()).toBe(1);
  });

  it('redacts the token card when its time is up', async () => {
    await h.addAccount({
      id: 'lapse',
      name: 'Lapse Ltd',
      admins: [ada.aadObjectId],
      expiresAt: new Date(Date.now() + 5 * DAY),
    });
    await h.send(message(inChannel(), 'connect lapse'));
    const typed = await h.send(message(personal(), 'renew lapse'));
    expect(typed.status).toBe(200);
    const confirmCard = cardIn(h.connector.activities().at(-1));
    const renewNow = buttonsOf(confirmCard).find((b) => b.title === 'Renew now')!;
    await h.send(actionExecute(personal(), 'renewToken', renewNow.data, 'x'));

    const renewal = async () => h.db.prisma.renewal.findFirst({ where: { accountId: 'lapse' } });
    const until = Date.now() + 10_000;
    while ((await renewal())?.state !== 'delivered' && Date.now() < until) {
      await new Promise((done) => setTimeout(done, 50));
    }
    const before = h.connector.calls.length;
    expect(await h.runtime.core.renewals.delivery.lapseDue(new Date(Date.now() + 60 * DAY))).toBe(
      1,
    );
    const puts = h.connector.calls.slice(before).filter((c) => c.method === 'PUT');
    expect(JSON.stringify(puts.map((c) => c.body))).toContain('its time ran out');
  });
});
