import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';

const run = promisify(execFile);

// Runs `npm run package:teams`'s script with MICROSOFT_APP_ID set to `appId`, or unset.
async function packageTeams(out: string, appId?: string) {
  const { MICROSOFT_APP_ID: _ignored, ...env } = process.env;
  return run('node', ['scripts/package-teams.mjs', '--out', out], {
    env: appId === undefined ? env : { ...env, MICROSOFT_APP_ID: appId },
  });
}

describe('Teams app package without MICROSOFT_APP_ID', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'timly-teams-package-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('still builds the trial package but warns in one line on stderr', async () => {
    const out = join(dir, 'trial.zip');
    const { stdout, stderr } = await packageTeams(out);

    expect(stdout.trim()).toBe(out);
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Playground');
    expect(lines[0]).toContain('MICROSOFT_APP_ID');
    const zip = await JSZip.loadAsync(await readFile(out));
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    const source = JSON.parse(await readFile('manifests/teams/manifest.json', 'utf8'));
    expect(manifest.id).toBe(source.id);
  });

  it('says nothing on stderr when the app id is set', async () => {
    const out = join(dir, 'real.zip');
    const { stderr } = await packageTeams(out, '6f1c7e3a-2b4d-4c8e-9a0f-1d2e3f405162');
    expect(stderr).toBe('');
  });
});
