/** Text for HTML content and attribute values: neighbourhood names and slugs are what people typed. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A value marked as HTML already: `html` interpolates it as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Interpolated = string | number | Html | Html[];

/** A template of HTML whose interpolations are escaped unless they are Html themselves. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    const text = Array.isArray(value) ? value.map(String).join('') : value instanceof Html ? value.text : escapeHtml(String(value));
    out += text + strings[i + 1];
  });
  return new Html(out);
}

/**
 * JSON for a `<script type="application/json">` data block: `<` as \u003c, so no value, however
 * written, can close the element. The block is data for the page's script, never run (CSP allows
 * only scripts from the gateway's own files).
 */
export function jsonForScriptBlock(value: unknown): Html {
  return new Html(JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
}
