import { isBase64 } from './isBase64.ts';

/*
 * RFC 2397 data URLs exactly as Ignition accepts them: it decodes with github.com/vincent-petithory/dataurl,
 * whose lexer is stricter than browsers are: a lower-case "data:" prefix, a media type that has a "/" and a
 * registered (text, image, …) or x- type, ASCII only, ";base64" last, padded base64, valid %-escapes.
 */
const TOKEN = "[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]";
const TOKEN_BUT_PERCENT = "[!#$&'*+\\-.0-9A-Z^_`a-z{|}~]";
const MEDIA_TYPE = `(?:[xX]-${TOKEN}*|(?:text|image|audio|video|application|message|multipart)${TOKEN}*)/${TOKEN}*`;
// Unquoted values are %-unescaped by the decoder; quoted ones may hold any ASCII but an unescaped quote.
// Loops are unrolled so that no group repeats once per character: data URLs run to megabytes.
const UNQUOTED = `(?=[^;,])${TOKEN_BUT_PERCENT}*(?:%[0-9A-Fa-f]{2}${TOKEN_BUT_PERCENT}*)*`;
const QUOTED_CHAR = '[\\x00-\\x21\\x23-\\x5b\\x5d-\\x7f]';
const QUOTED = `"${QUOTED_CHAR}*(?:\\\\[\\x00-\\x7f]${QUOTED_CHAR}*)*"`;
const PARAMETER = `;${TOKEN}+=(?:${UNQUOTED}|${QUOTED})`;
const HEADER = new RegExp(`^data:(?:${MEDIA_TYPE})?(?:${PARAMETER})*(;base64)?,`);
// Printable ASCII minus RFC 2396 delimiters and "unwise" characters; "%" must start a valid escape.
const URL_DATA = /^[!$%&-;=?-Z_a-z~]*$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

export function isValidDataUrl(url: string): boolean {
  const header = HEADER.exec(url);
  if (header === null) return false;
  const data = url.slice(header[0].length);
  if (header[1] === undefined) return URL_DATA.test(data) && !BAD_ESCAPE.test(data);
  // Data URLs run to megabytes (a payload's files): checked by native passes, not an expression.
  return isBase64(data);
}
