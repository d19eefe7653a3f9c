// The SMS composer: enhances every <textarea data-composer> with a live counter (characters, parts,
// encoding) and the encoding adviser. It imports the domain's own segmenter and adviser
// (src/domain/sms/) and the composer's strings (src/web/i18n/composer.ts); scripts/build-web.mjs
// bundles them with esbuild into dist/web-assets/composer.js, so the page counts exactly as `send`.
// Opt-ins: data-merge-fields adds the merge-field buttons (broadcasts).
import { adviseSms, replaceTypographic } from '../../src/domain/sms/sms-advice.ts';
import { en, fr } from '../../src/web/i18n/composer.ts';

const MERGE_FIELDS = ['_NAME_', '_EMAIL_', '_NUMBER_', '_NOTES_'];
const lang = document.documentElement.lang.startsWith('en') ? 'en' : 'fr';
const strings = lang === 'en' ? en : fr;
const numbers = new Intl.NumberFormat(lang === 'en' ? 'en-CA' : 'fr-CA');

function t(key, vars = {}) {
  return strings[key].replace(/\{(\w+)\}/g, (whole, name) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}

const partsText = (n) => t(n === 1 ? 'composer.part' : 'composer.parts', { n });

function el(tag, attrs = {}, text = '') {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/** How a character is named to the writer: itself (highlighted), or a name for the invisible spaces. */
function characterName(cause) {
  if (/\s/u.test(cause.char)) {
    const key = `composer.space.${cause.codePoint}`;
    return strings[key] ? t(key) : t('composer.space.other');
  }
  return cause.char;
}

function insertAtCursor(area, text) {
  const start = area.selectionStart ?? area.value.length;
  const end = area.selectionEnd ?? start;
  area.setRangeText(text, start, end, 'end');
  area.focus();
  area.dispatchEvent(new Event('input', { bubbles: true }));
}

function enhance(area) {
  const panel = el('div', { class: 'composer' });
  if (area.hasAttribute('data-merge-fields')) {
    const fields = el('div', {
      class: 'merge-fields',
      role: 'group',
      'aria-label': t('composer.mergeFields'),
    });
    for (const field of MERGE_FIELDS) {
      const button = el('button', { type: 'button', class: 'button small', 'data-merge-field': field });
      button.textContent = `${field} (${t(`composer.merge.${field}`)})`;
      button.addEventListener('click', () => insertAtCursor(area, field));
      fields.append(button);
    }
    panel.append(fields);
  }
  const count = el('p', { class: 'composer-count', 'aria-live': 'polite', 'data-composer-count': '' });
  const advice = el('div', { class: 'composer-advice', 'data-composer-advice': '' });
  const done = el('p', { class: 'composer-done', role: 'status', 'data-composer-done': '' });
  panel.append(count, advice, done);
  area.after(panel);
  if (area.id) {
    const described = area.getAttribute('aria-describedby');
    count.id = `${area.id}-count`;
    area.setAttribute('aria-describedby', described ? `${described} ${count.id}` : count.id);
  }

  const render = () => {
    const info = adviseSms(area.value);
    count.dataset.encoding = info.encoding;
    count.dataset.parts = String(info.parts);
    count.textContent = t('composer.count', {
      characters: info.characters,
      parts: partsText(info.parts),
      encoding: info.encoding,
    });
    advice.replaceChildren();
    advice.hidden = info.causes.length === 0;
    if (info.causes.length === 0) return;
    advice.append(el('p', {}, t('composer.causes')));
    const list = el('ul', { class: 'ucs2-causes', 'data-composer-causes': '' });
    for (const cause of info.causes) {
      const item = el('li', { 'data-char': cause.char });
      item.append(el('mark', {}, characterName(cause)), ` ${cause.codePoint}`);
      if (cause.count > 1) item.append(` ×${cause.count}`);
      if (cause.replacement !== null) item.append(' → ', el('code', {}, cause.replacement));
      list.append(item);
    }
    advice.append(list);
    advice.append(
      el(
        'p',
        { class: 'composer-cost', 'data-composer-cost': '' },
        info.parts > info.partsIfGsm7
          ? t('composer.cost', { parts: partsText(info.parts), gsm: partsText(info.partsIfGsm7) })
          : t('composer.sameCost', { parts: partsText(info.parts) }),
      ),
    );
    if (info.causes.some((cause) => cause.replacement !== null)) {
      const button = el('button', { type: 'button', class: 'button', 'data-composer-replace': '' });
      button.textContent = t('composer.replace');
      button.addEventListener('click', () => {
        const before = Array.from(area.value);
        area.value = replaceTypographic(area.value);
        const changed = before.filter((char) =>
          info.causes.some((c) => c.char === char && c.replacement),
        ).length;
        area.dispatchEvent(new Event('input', { bubbles: true }));
        const after = adviseSms(area.value);
        done.textContent = t('composer.replaced', {
          n: changed,
          encoding: after.encoding,
          parts: partsText(after.parts),
        });
        area.focus();
      });
      advice.append(button);
      if (info.causes.some((cause) => cause.replacement === null)) {
        advice.append(el('p', { class: 'hint' }, t('composer.replaceHint')));
      }
    }
  };
  area.addEventListener('input', () => {
    done.textContent = '';
    render();
  });
  area.addEventListener('composer:render', render);
  render();
}

for (const area of document.querySelectorAll('textarea[data-composer]')) enhance(area);
