/**
 * Typed HTML templates that escape by default.
 *
 * Every value interpolated into `html\`…\`` is escaped unless it is itself a `SafeHtml` (the result of
 * another `html` template, or of `raw()` on a constant the code owns). Arrays render each item, and
 * `null`, `undefined` and `false` render nothing, so conditional and repeated fragments read naturally.
 * A contact named `<img src=x onerror=alert(1)>` is therefore text wherever it is shown.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue =
  SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks markup the code itself wrote (never user input) as safe. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A JSON value embedded in a `<script type="application/json">`: `<` escaped so it cannot close the tag. */
export function jsonScript(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value).replace(/</g, '\\u003c');
  return html`<script type="application/json" id="${id}">
    ${raw(json)}
  </script>`;
}
