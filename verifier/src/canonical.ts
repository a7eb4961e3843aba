/**
 * The serialisation of docs/ledger-hash.md ("Serialisation"): JSON arrays without white space, strings escaped
 * exactly as ECMAScript's JSON.stringify escapes them. Written out by hand rather than calling JSON.stringify, so
 * that this verifier is a second reading of the text, and a test holds the two against each other.
 */
export type Json = string | number | boolean | null | Json[];

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

export function canonicalString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const short = SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (ch.charCodeAt(0) < 0x20) out += '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

export function canonical(value: Json): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return canonicalString(value);
  if (typeof value === 'number') {
    // Only integers are allowed; amounts travel as strings so nothing above 2^53 is ever a number.
    if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
    return String(value);
  }
  return '[' + value.map(canonical).join(',') + ']';
}
