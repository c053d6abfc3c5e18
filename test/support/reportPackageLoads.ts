// Loaded with `node --import` into a CLI process under test: writes `package-loaded <name>` on stderr the first
// time a module of each npm package is resolved, so that a test can tell which dependencies a command loads.
import { writeSync } from 'node:fs';
import { registerHooks } from 'node:module';

const seen = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const name = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(resolved.url)?.[1];
    if (name !== undefined && !seen.has(name)) {
      seen.add(name);
      writeSync(2, `package-loaded ${name}\n`);
    }
    return resolved;
  },
});
