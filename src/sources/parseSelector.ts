import { KindlingError } from '../errors/KindlingError.ts';

export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

const TERM = /^\s*(!?)([A-Za-z0-9./_-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*))?\s*$/;

/**
 * Equality-based label selectors (`a=b,c!=d,e,!f`), the subset the directory source needs to select the
 * same Secrets as the API server would.
 */
export function parseSelector(selector: string): LabelMatcher {
  const terms = selector
    .split(',')
    .filter((term) => term.trim() !== '')
    .map((term) => {
      const match = TERM.exec(term);
      if (!match || (match[1] === '!' && match[3] !== undefined)) {
        throw new KindlingError(
          'ERR_CONFIG_INVALID',
          `label selector term ${JSON.stringify(term)} is not valid`,
          {
            path: 'selector',
          },
        );
      }
      const [, not, key = '', op, value = ''] = match;
      if (op === undefined) return (labels: Record<string, string>) => key in labels !== (not === '!');
      if (op === '!=') return (labels: Record<string, string>) => labels[key] !== value;
      return (labels: Record<string, string>) => labels[key] === value;
    });
  return (labels) => terms.every((term) => term(labels ?? {}));
}
