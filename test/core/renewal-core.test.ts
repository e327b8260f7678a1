import { randomBytes } from 'node:crypto';
import { AuditTrail } from '../../src/core/audit.js';
import type { ChatChannels, Platform } from '../../src/core/chat.js';
import { Renewals } from '../../src/core/renewal.js';
import type { EntraApplier } from '../../src/core/renewal-delivery.js';
import { SecretBox } from '../../src/core/secret-box.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { FakeChatChannels } from '../support/fake-chat.js';
import { FakeTokenService } from '../support/fake-token-service.js';
import { capturingLogger } from '../support/logging.js';

const ADA = { platform: 'slack' as const, userId: 'U0ADMIN', name: 'ada' };

// The core alone, with the in-memory token service and chat: what happens when a collaborator
// throws instead of answering with a value.
describe('renewal when a collaborator throws', () => {
  let db: TestDatabase;
  let tokens: FakeTokenService;
  let chat: FakeChatChannels;
  let lines: string[];
  const key = randomBytes(32);

  beforeEach(async () => {
    db = await createTestDatabase();
    tokens = new FakeTokenService();
    chat = new FakeChatChannels('slack');
    const expiresAt = new Date(Date.now() + 9 * 86_400_000);
    tokens.seedAccount({ accountId: 'acme', expiresAt });
    await db.prisma.account.create({
      data: {
        id: 'acme',
        name: 'Acme AG',
        expiresAt,
        provisioning: ['user', 'person'],
        timezone: 'UTC',
        admins: ['U0ADMIN'],
      },
    });
  });

  afterEach(async () => {
    await db.drop();
  });

  function renewals(entra?: EntraApplier, channels: ChatChannels = chat) {
    const captured = capturingLogger();
    lines = captured.lines;
    return new Renewals({
      prisma: db.prisma,
      tokenService: tokens,
      channels: new Map<Platform, ChatChannels>([['slack', channels]]),
      audit: new AuditTrail(db.prisma),
      secretBox: new SecretBox(key),
      secretTtlHours: 24,
      log: captured.log,
      entra,
    });
  }

  async function renew(service: Renewals) {
    const started = await service.request({
      accountId: 'acme',
      actor: ADA,
      recipient: { platform: 'slack', userId: 'U0ADMIN', channelId: 'C1' },
    });
    if (started.kind !== 'started') throw new Error(started.kind);
    return service.process(started.renewalId);
  }

  it("sends the token with every app's steps when Microsoft Graph throws", async () => {
    const entra: EntraApplier = {
      isLinked: async () => true,
      applyToken: async () => {
        throw new Error('socket hang up');
      },
    };

    const outcome = await renew(renewals(entra));

    expect(outcome).toEqual({ kind: 'done', state: 'delivered' });
    expect(chat.secrets).toHaveLength(1);
    expect(chat.secrets[0]!.view!.apps.map((app) => app.name)).toEqual([
      'Timly',
      'Timly Person Provisioning',
    ]);
    expect(tokens.renewals).toHaveLength(1);
  });

  it('keeps the token pending and re-showable when the platform throws', async () => {
    const throwing = Object.assign(Object.create(chat) as FakeChatChannels, {
      sendSecret: async () => {
        throw new Error('adapter exploded');
      },
    });

    const outcome = await renew(renewals(undefined, throwing));

    expect(outcome).toEqual({ kind: 'done', state: 'renewed' });
    const row = await db.prisma.renewal.findFirstOrThrow();
    expect(row.failureCode).toBe('delivery_failed');
    expect(row.secretSealed).not.toBeNull();
    const token = tokens.liveToken('acme')!;
    expect(lines.some((line) => line.includes(token))).toBe(false);

    const again = await renewals().delivery.showAgain(row.id, ADA);
    expect(again.kind).toBe('ok');
    expect(chat.secrets.at(-1)!.view!.token).toBe(token);
  });
});
