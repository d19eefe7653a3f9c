import { html, type HtmlValue, type SafeHtml } from './html.js';
import type { WebState } from './web-state.js';

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(web: WebState): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${web.csrf}" />`;
}

export interface FieldOptions {
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'password' | 'tel' | 'search' | 'url' | 'number';
  readonly value?: string;
  readonly required?: boolean;
  readonly autocomplete?: string;
  readonly hint?: string;
  readonly error?: string;
  readonly attrs?: SafeHtml;
}

/** A labelled input with its hint and error tied to it for screen readers. */
export function field(options: FieldOptions): SafeHtml {
  const id = `f-${options.name}`;
  const described = [options.hint ? `${id}-hint` : '', options.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field${options.error ? ' has-error' : ''}">
    <label for="${id}">${options.label}</label>
    <input
      id="${id}"
      name="${options.name}"
      type="${options.type ?? 'text'}"
      value="${options.value ?? ''}"
      ${options.required ? html`required` : ''}
      ${options.autocomplete ? html`autocomplete="${options.autocomplete}"` : ''}
      ${described ? html`aria-describedby="${described}"` : ''}
      ${options.error ? html`aria-invalid="true"` : ''}
      ${options.attrs}
    />
    ${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}
    ${options.error ? html`<p class="error" id="${id}-error">${options.error}</p>` : ''}
  </div>`;
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export function selectField(options: {
  readonly name: string;
  readonly label: string;
  readonly choices: readonly SelectOption[];
  readonly selected?: string;
  readonly hint?: string;
}): SafeHtml {
  const id = `f-${options.name}`;
  return html`<div class="field">
    <label for="${id}">${options.label}</label>
    <select id="${id}" name="${options.name}" ${options.hint ? html`aria-describedby="${id}-hint"` : ''}>
      ${options.choices.map(
        (c) =>
          html`<option value="${c.value}" ${c.value === options.selected ? html`selected` : ''}>
            ${c.label}
          </option>`,
      )}
    </select>
    ${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}
  </div>`;
}

/** A message above a form or a page: `role=alert` for errors so it is read out at once. */
export function notice(kind: 'error' | 'success' | 'info', content: HtmlValue): SafeHtml {
  return html`<div class="notice notice-${kind}" role="${kind === 'error' ? 'alert' : 'status'}">
    ${content}
  </div>`;
}

/** A one-button form posting to `action` (delete, revoke, sign out…), with an optional confirmation. */
export function postButton(
  web: WebState,
  action: string,
  label: string,
  options: { readonly confirm?: string; readonly className?: string; readonly fields?: SafeHtml } = {},
): SafeHtml {
  return html`<form
    method="post"
    action="${action}"
    class="inline"
    ${options.confirm ? html`data-confirm="${options.confirm}"` : ''}
  >
    ${csrfField(web)}${options.fields}
    <button type="submit" class="${options.className ?? 'button'}">${label}</button>
  </form>`;
}
