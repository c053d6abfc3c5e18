import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDockerignore } from './dockerignore.ts';

/**
 * The image's /app without a Docker engine, built the way the Dockerfile builds it: the build context is the
 * repository filtered by .dockerignore, `npm run build` runs in it, and the runtime directory receives dist/,
 * package.json and only the production packages (lockfile entries not marked `dev`), linked from the
 * repository's node_modules rather than installed again.
 */
export function buildImageLayout(root: string, work: string): { app: string; context: string } {
  const context = join(work, 'context');
  const app = join(work, 'app');
  const excluded = parseDockerignore(readFileSync(join(root, '.dockerignore'), 'utf8'));
  for (const path of contextFiles(root, excluded)) {
    mkdirSync(dirname(join(context, path)), { recursive: true });
    cpSync(join(root, path), join(context, path));
  }
  // The build stage's `npm ci` (every dependency): the repository's own install stands in for it.
  symlinkSync(join(root, 'node_modules'), join(context, 'node_modules'));
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: context, stdio: ['ignore', 'pipe', 'pipe'] });

  mkdirSync(join(app, 'node_modules'), { recursive: true });
  cpSync(join(context, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(context, 'package.json'), join(app, 'package.json'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [path, info] of Object.entries(lock.packages)) {
    // Top-level packages only; nested ones come along inside their parent.
    const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1];
    if (name === undefined || info.dev) continue;
    mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), join(app, 'node_modules', name));
  }
  return { app, context };
}

/** The files .dockerignore lets into the context; node_modules and .git are not even walked (both stay out). */
function contextFiles(root: string, excluded: (path: string) => boolean, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory())
      return /^(node_modules|\.git)$/.test(path) ? [] : contextFiles(root, excluded, path);
    return entry.isFile() && !excluded(path) ? [path] : [];
  });
}
