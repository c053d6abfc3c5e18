import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServeConfig } from '../../src/config/parseServeConfig.ts';
import { parseDockerignore } from './dockerignore.ts';
import { imageNodeFlags } from './imageNodeFlags.ts';
import { parseDockerfile, parseKeyValues, type Instruction, type Stage } from './parseDockerfile.ts';

// No Docker engine runs in CI: the Dockerfile is read and held to the rules of issue 7 and to the hadolint
// rules that apply to it (their DL numbers are in the test names).
const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const dockerfile = parseDockerfile(read('Dockerfile'));
const excluded = parseDockerignore(read('.dockerignore'));
const pkg = JSON.parse(read('package.json')) as {
  version: string;
  license: string;
  scripts: Record<string, string>;
};

const stages = dockerfile.stages;
const final = stages.at(-1) as Stage;
const buildStages = stages.slice(0, -1);
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const lastOf = (stage: Stage, keyword: string): Instruction | undefined => all(stage, keyword).at(-1);
const stageNamed = (alias: string | undefined) => stages.find((stage) => stage.alias === alias);
const runs = (stage: Stage) => all(stage, 'RUN').map((run) => run.raw);

/** The final stage's WORKDIR, against which its relative COPY destinations land. */
const workdir = lastOf(final, 'WORKDIR')?.args[0] ?? '/';
/** Where each copied source lands: a destination ending in `/` (or `.`) is a directory that receives it. */
const finalCopies = all(final, 'COPY').flatMap((copy) => {
  const target = copy.args.at(-1) ?? '';
  return copy.args.slice(0, -1).map((source) => ({
    from: copy.flags['from'],
    source,
    destination: posix.resolve(
      workdir,
      target.endsWith('/') || target === '.' ? posix.join(target, posix.basename(source)) : target,
    ),
  }));
});

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe('Dockerfile: stages', () => {
  it('is multi-stage: named build stages, then the runtime stage (DL3024: aliases unique)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const aliases = buildStages.map((stage) => stage.alias);
    expect(aliases.every(Boolean), 'every build stage has an AS name').toBe(true);
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it('pins every base image by tag or digest, never latest (DL3006, DL3007), without ARG indirection', () => {
    for (const { image } of stages) {
      if (stageNamed(image)) continue;
      expect(image, `${image}: the pin must be readable here`).not.toContain('$');
      const [name = '', digest] = image.split('@');
      const tag = /:([^/:]+)$/.exec(name)?.[1];
      expect(tag !== undefined || digest?.startsWith('sha256:'), `${image} is pinned`).toBe(true);
      expect(tag, `${image} is not :latest`).not.toBe('latest');
    }
  });

  it('builds on Node 24, and runs on a Node 24 distroless or slim image', () => {
    for (const stage of buildStages)
      expect(stage.image).toMatch(/^node:24[.\d]*-[a-z]+-slim$|^node:24[.\d]*-slim$/);
    expect(final.image).toMatch(
      /^gcr\.io\/distroless\/nodejs24-debian\d+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$|^node:24[.\w-]*slim/,
    );
  });

  it('installs from the lockfile (npm ci) and type-checks src/ in a build stage', () => {
    const build = buildStages.find((stage) =>
      runs(stage).some((run) => /\bnpm run build\b|\btsc\b/.test(run)),
    );
    expect(build, 'a build stage runs `npm run build` or tsc').toBeDefined();
    const stage = build as Stage;
    expect(runs(stage).some((run) => /\bnpm ci\b/.test(run) && !/--omit[= ]dev/.test(run))).toBe(true);
    expect(runs(stage).join('\n')).not.toMatch(/\bnpm (install|i)\b/);
    const copied = all(stage, 'COPY').flatMap((copy) => copy.args.slice(0, -1));
    for (const needed of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src',
    ]) {
      expect(copied).toContain(needed);
    }
    // `npm run build` is a type-check only because tsc runs over the strict tsconfig and its failure fails
    // the script (steps chained with &&, nothing that swallows an exit code).
    const script = pkg.scripts['build'] ?? '';
    expect(script).not.toMatch(/;|\|\|/);
    expect(script.split('&&').map((step) => step.trim())).toContain('tsc -p tsconfig.build.json');
    expect(read('tsconfig.json')).toMatch(/"strict": true/);
  });

  it('copies into the runtime only what runs: dist/ and production node_modules from build stages, package.json', () => {
    expect(finalCopies.map((copy) => copy.destination).sort()).toEqual(
      ['dist', 'node_modules', 'package.json'].map((path) => posix.resolve(workdir, path)),
    );
    const copy = (name: string) => finalCopies.find((c) => c.destination === posix.resolve(workdir, name));
    const dist = copy('dist');
    const modules = copy('node_modules');
    expect(dist?.source).toMatch(/^\/\w+\/dist$/);
    expect(runs(stageNamed(dist?.from) as Stage).join('\n')).toMatch(/\bnpm run build\b|\btsc\b/);
    const deps = runs(stageNamed(modules?.from) as Stage).join('\n');
    expect(deps, 'node_modules come from `npm ci --omit=dev`').toMatch(/\bnpm ci\b.*--omit[= ]dev/);
    expect(copy('package.json')).toMatchObject({ from: undefined, source: 'package.json' });
    expect(all(final, 'RUN'), 'no RUN in the runtime stage: it has no shell').toEqual([]);
  });

  it('COPY --from names an earlier stage, never its own (DL3022, DL3023)', () => {
    stages.forEach((stage, index) => {
      for (const copy of all(stage, 'COPY')) {
        const from = copy.flags['from'];
        if (from === undefined) continue;
        const source = stages.findIndex((s) => s.alias === from);
        expect(source, `COPY --from=${from} on line ${copy.line}`).toBeGreaterThanOrEqual(0);
        expect(source).toBeLessThan(index);
      }
    });
  });
});

describe('Dockerfile: runtime stage', () => {
  it('runs as a numeric non-root user and group, set before the entrypoint (DL3002)', () => {
    const user = lastOf(final, 'USER');
    expect(user?.args[0]).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    const entrypoint = lastOf(final, 'ENTRYPOINT');
    expect((user?.line ?? Infinity) < (entrypoint?.line ?? 0)).toBe(true);
  });

  it('has an exec-form ENTRYPOINT running `node dist/cli/main.js serve` with the image’s own node (DL3025)', () => {
    const exec = lastOf(final, 'ENTRYPOINT')?.exec;
    expect(exec, 'ENTRYPOINT is a JSON array').toBeDefined();
    const [node, ...rest] = exec as string[];
    const flags = imageNodeFlags(read('Dockerfile'));
    const [script, command] = rest.slice(flags.length);
    // Distroless has its node at /nodejs/bin/node and no PATH lookup without a shell; slim has node on PATH.
    expect(node).toBe(final.image.includes('distroless') ? '/nodejs/bin/node' : 'node');
    expect(script).toBe('dist/cli/main.js');
    expect(command).toBe('serve');
    expect(existsSync(join(ROOT, 'src/cli/main.ts')), 'dist/cli/main.js is built from src/cli/main.ts').toBe(
      true,
    );
    expect(pkg.scripts['build']).toContain('tsconfig.build.json');
    expect(all(final, 'CMD').every((cmd) => cmd.exec !== undefined)).toBe(true);
  });

  it('passes node only options it accepts, keeps the young generation from shrinking, maps node on large pages and widens the inlining budget', () => {
    const flags = imageNodeFlags(read('Dockerfile'));
    expect(flags).toContain('--min-semi-space-size=16');
    // 'silent': a host without transparent huge pages must not put a non-JSON line among the logs.
    expect(flags).toContain('--use-largepages=silent');
    expect(flags).toContain('--max-inlined-bytecode-size-cumulative=4000');
    // node refuses to start on an option it does not know: each one is tried on this node.
    for (const flag of flags) {
      const run = spawnSync(process.execPath, [flag, '-e', ''], { encoding: 'utf8' });
      expect(run.status, `${flag}: ${run.stderr}`).toBe(0);
    }
    expect(
      imageNodeFlags('FROM scratch\nENTRYPOINT ["node", "--a=1", "-b", "main.js", "--not-a-node-flag"]'),
    ).toEqual(['--a=1', '-b']);
  });

  it('exposes the payload and metrics ports the server listens on by default', () => {
    const config = parseServeConfig(['--source', 'dir:/config', '--plain-http']);
    const exposed = all(final, 'EXPOSE').flatMap((expose) =>
      expose.args.map((port) => Number(port.split('/')[0])),
    );
    expect(exposed.sort()).toEqual([config.listen.port, config.metricsListen.port].sort());
  });

  it('carries the OCI labels, with the version and license of package.json', () => {
    const labels = Object.assign(
      {},
      ...all(final, 'LABEL').map((label) => parseKeyValues(label.raw)),
    ) as Record<string, string>;
    const args = Object.assign({}, ...all(final, 'ARG').map((arg) => parseKeyValues(arg.raw))) as Record<
      string,
      string
    >;
    const resolve = (value: string | undefined) =>
      value?.replace(/\$\{?(\w+)\}?/g, (_, name: string) => args[name] ?? '');
    for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'source']) {
      expect(labels[`org.opencontainers.image.${key}`], key).toBeTruthy();
    }
    expect(labels['org.opencontainers.image.licenses']).toBe(pkg.license);
    expect(resolve(labels['org.opencontainers.image.version'])).toBe(pkg.version);
  });

  it('uses absolute WORKDIRs (DL3000), COPY rather than ADD (DL3020), no MAINTAINER (DL4000), nothing fetched', () => {
    for (const stage of stages) {
      for (const workdirs of all(stage, 'WORKDIR')) expect(workdirs.args[0]).toMatch(/^\//);
      expect(all(stage, 'ADD')).toEqual([]);
      expect(all(stage, 'MAINTAINER')).toEqual([]);
      expect(runs(stage).join('\n')).not.toMatch(/\b(curl|wget|sudo)\b/);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps tests, fixtures, deploy files and local state out of the build context', () => {
    for (const path of [
      'test/deploy/dockerfile.test.ts',
      'test/fixtures/tls/server-a.key',
      'test/bench/results/latest.json',
      'fixtures/token-workers.yaml',
      'deploy/base/deployment.yaml',
      'node_modules/hono/package.json',
      '.git/HEAD',
      'dist/cli/main.js',
      'coverage/index.html',
      '.env',
      'kindling.log',
    ]) {
      expect(excluded(path), path).toBe(true);
    }
  });

  it('lets in every file the Dockerfile copies from the context, and all of src/', () => {
    const contextSources = stages.flatMap((stage) =>
      all(stage, 'COPY')
        .filter((copy) => copy.flags['from'] === undefined)
        .flatMap((copy) => copy.args.slice(0, -1)),
    );
    for (const source of contextSources) {
      expect(existsSync(join(ROOT, source)), `${source} exists`).toBe(true);
      expect(excluded(source), `${source} is in the context`).toBe(false);
    }
    const sources = filesUnder('src');
    expect(sources).toContain('src/payload/schemas/v3.4.json');
    expect(sources.filter(excluded)).toEqual([]);
  });
});
