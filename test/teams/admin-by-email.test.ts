import { message, person } from '../support/teams-activities.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-harness.js';

const DAY = 24 * 3600_000;
const cleo = person('Cleo', '55555555-cccc-4ccc-8ccc-555555555555');

describe('Teams: an admin named by e-mail', () => {
  let h: TeamsHarness;
  const where = (channel: string) => ({ serviceUrl: h.connector.url, from: cleo, channel });

  beforeAll(async () => {
    h = await startTeamsHarness();
    await h.addAccount({
      id: 'mailco',
      name: 'Mail Co',
      admins: ['Cleo@Example.com'],
      expiresAt: new Date(Date.now() + 20 * DAY),
    });
  });

  afterAll(async () => {
    await h.close();
  });

  it('is refused while Teams does not know the e-mail', async () => {
    await h.send(message(where('19:mail-one@thread.tacv2'), 'connect mailco'));

    expect(h.connector.activities().at(-1)?.body.text).toContain('Only the admins of Mail Co');
    expect(await h.db.prisma.destination.count()).toBe(0);
  });

  it('is recognised through the member lookup, and remembered', async () => {
    h.connector.members.set(cleo.id, {
      id: cleo.id,
      name: 'Cleo',
      aadObjectId: cleo.aadObjectId,
      email: 'cleo@example.com',
    });

    const lookups = () => h.connector.calls.filter((call) => call.path.includes('/members/'));
    const before = lookups().length;

    await h.send(message(where('19:mail-two@thread.tacv2'), 'connect mailco'));
    await h.send(message(where('19:mail-two@thread.tacv2'), 'status'));

    const texts = h.connector.activities().map((call) => String(call.body?.text));
    expect(texts.some((text) => text.includes('now receives the warnings for Mail Co'))).toBe(true);
    // Asked once; the second turn finds the e-mail remembered.
    expect(lookups().length - before).toBe(1);
    const user = await h.db.prisma.chatUser.findFirstOrThrow({ where: { userId: cleo.id } });
    expect(user.email).toBe('cleo@example.com');
  });
});
