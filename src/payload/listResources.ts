import type { ConfigShape, ResourceShape } from './ConfigShape.ts';
import type { JsonPath } from './JsonPath.ts';

export interface LocatedResource {
  path: JsonPath;
  resource: ResourceShape;
}

/**
 * Every place a spec 3.x config fetches something from a URL: merged/replaced configs, TLS authorities,
 * file contents and appends, LUKS key files. In document order, so the first problem reported is the first
 * one a reader meets.
 */
export function listResources(config: ConfigShape): LocatedResource[] {
  const found: LocatedResource[] = [];
  const add = (resource: ResourceShape | null | undefined, ...path: (string | number)[]): void => {
    if (resource !== null && resource !== undefined) found.push({ path, resource });
  };
  const { ignition, storage } = config;
  ignition.config?.merge?.forEach((r, i) => add(r, 'ignition', 'config', 'merge', i));
  add(ignition.config?.replace, 'ignition', 'config', 'replace');
  ignition.security?.tls?.certificateAuthorities?.forEach((r, i) =>
    add(r, 'ignition', 'security', 'tls', 'certificateAuthorities', i),
  );
  storage?.luks?.forEach((luks, i) => add(luks.keyFile, 'storage', 'luks', i, 'keyFile'));
  storage?.files?.forEach((file, i) => {
    add(file.contents, 'storage', 'files', i, 'contents');
    file.append?.forEach((r, j) => add(r, 'storage', 'files', i, 'append', j));
  });
  return found;
}
