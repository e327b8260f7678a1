import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const DAY = 24 * 3600_000;
const SCREENSHOT = 'test-output/teams-playground-secret.png';

const present = existsSync(CHROMIUM);
if (!present) {
  console.warn(`${CHROMIUM} is absent: the Agents Playground e2e test is skipped.`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function say(page: Page, text: string) {
  // The compose box is a rich-text editor: focus it where its placeholder shows, then type.
  await page.locator('[data-lexical-editor="true"][role="textbox"]').first().click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

(present ? describe : describe.skip)('Teams in the Microsoft 365 Agents Playground', () => {
  let h: TeamsHarness;
  let playground: ChildProcess;
  let browser: Browser;
  let page: Page;
  let playgroundUrl: string;

  beforeAll(async () => {
    h = await startTeamsHarness();
    const port = await freePort();
    playgroundUrl = `http://127.0.0.1:${port}`;
    // Offline and headless: the Playground opens no browser of its own and sends no telemetry.
    playground = spawn(
      process.execPath,
      [
        'node_modules/@microsoft/m365agentsplayground/cli.js',
        '--app-endpoint',
        `${h.url}/api/messages`,
        '--channel-id',
        'msteams',
        '--port',
        String(port),
        '--disable-telemetry',
      ],
      { env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' }, stdio: 'ignore' },
    );
    await until(async () => (await fetch(playgroundUrl)).ok, 'the Playground to listen');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(playgroundUrl);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    playground?.kill();
    await h?.close();
  });

  it('shows the warning card, and Renew leads to the private token card', async () => {
    try {
      await renewInPlayground();
    } catch (error) {
      // What the browser showed is the quickest way to see why the flow stopped.
      await mkdir('test-output', { recursive: true });
      await page.screenshot({ path: 'test-output/teams-playground-failure.png', fullPage: true });
      throw error;
    }
  }, 90_000);

  async function renewInPlayground() {
    // The user's first message gives the bot their 1:1 chat, as a Teams install would.
    await say(page, 'help');
    await page.getByText('keeps your Timly SCIM provision token alive').first().waitFor();
    const user = await h.db.prisma.chatUser.findFirstOrThrow({ where: { platform: 'teams' } });

    await h.addAccount({
      id: 'acme',
      name: 'Acme AG',
      admins: [user.userId],
      expiresAt: new Date(Date.now() + 20 * DAY),
    });
    const reference = user.conversationRef as { conversation: { id: string } };
    const actor = { platform: 'teams' as const, userId: user.userId, name: 'Playground' };
    await h.runtime.core.accounts.connect(
      'acme',
      { platform: 'teams', channelId: reference.conversation.id, conversationRef: reference },
      actor,
    );
    const report = await h.runtime.sweep.run({ now: new Date() });
    expect(report.posted).toHaveLength(1);

    await page
      .getByText(/The Timly provision token of Acme AG expires on/)
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Renew token' }).last().click();
    await page.getByRole('button', { name: 'Renew now' }).last().click();

    await page.getByText('New Timly provision token for Acme AG').first().waitFor();
    await mkdir('test-output', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const renewal = await h.db.prisma.renewal.findFirstOrThrow({ where: { accountId: 'acme' } });
    expect(renewal.state).toBe('delivered');
  }
});
