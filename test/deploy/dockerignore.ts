/**
 * `.dockerignore` as BuildKit reads it: one pattern per line, `#` comments, `!` re-includes, the last matching
 * pattern wins, and a pattern that matches a directory matches everything under it. `*` and `?` stay within
 * one path segment, `**` spans any number of them.
 */
export function parseDockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).trim().replace(/^\/+|\/+$/g, '');
      return { negated, regex: toRegex(pattern) };
    });
  /** True when `path` (relative to the context, `/`-separated) stays out of the build context. */
  return (path) => {
    const segments = path.split('/');
    const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const { negated, regex } of rules) {
      if (prefixes.some((prefix) => regex.test(prefix))) excluded = !negated;
    }
    return excluded;
  };
}

function toRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more whole segments; a trailing `**` matches the rest.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
