import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';

const run = promisify(execFile);
const APP_ID = '6f1c7e3a-2b4d-4c8e-9a0f-1d2e3f405162';

// @microsoft/app-manifest loads an ES-only dependency with require(), which Node allows and
// Jest's module runtime does not; so the check runs in a plain Node process. The schema ships
// inside the package, so validation needs no network.
const VALIDATE = `
  import { readFileSync } from 'node:fs';
  import { createRequire } from 'node:module';
  import { ManifestUtil } from '@microsoft/app-manifest';
  const require = createRequire(process.cwd() + '/');
  const manifest = JSON.parse(readFileSync(0, 'utf8'));
  const schema = require('@microsoft/app-manifest/build/json-schemas/teams/v' +
    manifest.manifestVersion + '/MicrosoftTeams.schema.json');
  const errors = await ManifestUtil.validateManifestAgainstSchema(manifest, schema);
  process.stdout.write(JSON.stringify(errors));
`;

async function schemaErrors(manifest: string): Promise<string[]> {
  const child = execFile('node', ['--input-type=module', '-e', VALIDATE]);
  const output = new Promise<string>((done, failed) => {
    let text = '';
    let problem = '';
    child.stdout!.on('data', (chunk) => (text += chunk));
    child.stderr!.on('data', (chunk) => (problem += chunk));
    child.on('error', failed);
    child.on('close', (code) => (code === 0 ? done(text) : failed(new Error(problem))));
  });
  child.stdin!.end(manifest);
  return JSON.parse(await output);
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('Teams app package', () => {
  let dir: string;
  let zip: JSZip;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'timly-teams-package-'));
    const out = join(dir, 'app.zip');
    await run('node', ['scripts/package-teams.mjs', '--out', out], {
      env: { ...process.env, MICROSOFT_APP_ID: APP_ID },
    });
    zip = await JSZip.loadAsync(await readFile(out));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has a manifest that is valid against its JSON schema', async () => {
    const manifest = await readFile('manifests/teams/manifest.json', 'utf8');
    expect(await schemaErrors(manifest)).toEqual([]);
    const broken = JSON.stringify({ ...JSON.parse(manifest), id: 'not-a-guid' });
    expect((await schemaErrors(broken)).join('\n')).toContain('id');
  });

  it('offers status, renew, connect, disconnect and help', async () => {
    const manifest = JSON.parse(await readFile('manifests/teams/manifest.json', 'utf8'));
    const commands = manifest.bots[0].commandLists[0].commands.map(
      (c: { title: string }) => c.title,
    );
    expect(commands).toEqual(['status', 'renew', 'connect', 'disconnect', 'help']);
  });

  it('zips exactly the manifest and both icons, with the app id filled in', async () => {
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(await schemaErrors(JSON.stringify(manifest))).toEqual([]);
  });

  it('has a 192x192 color icon and a 32x32 transparent white outline icon', async () => {
    const color = await zip.file('color.png')!.async('nodebuffer');
    const outline = await zip.file('outline.png')!.async('nodebuffer');
    expect(pngSize(color)).toEqual({ width: 192, height: 192 });
    expect(pngSize(outline)).toEqual({ width: 32, height: 32 });
    // Colour type 6 is RGBA: the outline needs its transparent background.
    expect(outline[25]).toBe(6);
  });

  it('refuses an app id that is not a GUID', async () => {
    const out = join(dir, 'bad.zip');
    await expect(
      run('node', ['scripts/package-teams.mjs', '--out', out], {
        env: { ...process.env, MICROSOFT_APP_ID: 'not-a-guid' },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('must be') });
  });
});
