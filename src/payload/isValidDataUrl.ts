/*
 * RFC 2397 data URLs exactly as Ignition accepts them: it decodes with github.com/vincent-petithory/dataurl,
 * whose lexer is stricter than browsers are: a lower-case "data:" prefix, a media type that has a "/" and a
 * registered (text, image, …) or x- type, ASCII only, ";base64" last, padded base64, valid %-escapes.
 */
const TOKEN = "[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]";
const TOKEN_OR_ESCAPE = "(?:[!#$&'*+\\-.0-9A-Z^_`a-z{|}~]|%[0-9A-Fa-f]{2})";
const MEDIA_TYPE = `(?:[xX]-${TOKEN}*|(?:text|image|audio|video|application|message|multipart)${TOKEN}*)/${TOKEN}*`;
// Quoted values may hold any ASCII but an unescaped quote; unquoted ones are %-unescaped by the decoder.
const PARAMETER = `;${TOKEN}+=(?:${TOKEN_OR_ESCAPE}+|"(?:[\\x00-\\x21\\x23-\\x5b\\x5d-\\x7f]|\\\\[\\x00-\\x7f])*")`;
const HEADER = new RegExp(`^data:(?:${MEDIA_TYPE})?(?:${PARAMETER})*(;base64)?,`);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Printable ASCII minus RFC 2396 delimiters and "unwise" characters; "%" must start a valid escape.
const URL_DATA = /^(?:[!$&-;=?-Z_a-z~]|%[0-9A-Fa-f]{2})*$/;

export function isValidDataUrl(url: string): boolean {
  const header = HEADER.exec(url);
  if (header === null) return false;
  const data = url.slice(header[0].length);
  return header[1] === undefined ? URL_DATA.test(data) : BASE64.test(data);
}
