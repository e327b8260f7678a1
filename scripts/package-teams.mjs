// `npm run package:teams`: the Teams app package (manifest.json, color.png, outline.png) as a
// zip to upload in Teams. MICROSOFT_APP_ID, when set, becomes the app id and the bot id, so one
// manifest serves a local Playground run and a registered bot. `--out FILE` picks the zip.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'manifests', 'teams');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message) {
  process.stderr.write(`package:teams: ${message}\n`);
  process.exit(1);
}

const outIndex = process.argv.indexOf('--out');
const out = resolve(
  outIndex > 0
    ? (process.argv[outIndex + 1] ?? '')
    : join(root, 'dist', 'teams', 'timly-renew-teams.zip'),
);

const manifest = JSON.parse(await readFile(join(source, 'manifest.json'), 'utf8'));
const appId = process.env.MICROSOFT_APP_ID?.trim();
if (appId) {
  if (!GUID.test(appId)) fail("MICROSOFT_APP_ID must be the bot's app id, a GUID.");
  manifest.id = appId;
  for (const bot of manifest.bots) bot.botId = appId;
} else {
  process.stderr.write(
    'package:teams: warning: MICROSOFT_APP_ID is not set, so the package carries a ' +
      'placeholder id and is for trials (Agents Playground) only; set MICROSOFT_APP_ID ' +
      'for a real install.\n',
  );
}

const zip = new JSZip();
zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
for (const icon of [manifest.icons.color, manifest.icons.outline]) {
  zip.file(icon, await readFile(join(source, icon)));
}
await mkdir(dirname(out), { recursive: true });
await writeFile(out, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
process.stdout.write(`${out}\n`);
