// Progressive enhancement for the VuduMobile web app. Every page works without it; with it:
// confirmations before destructive forms, copy buttons, and the behaviours pages opt into by attribute.
'use strict';

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  if (!button) return;
  const source = document.getElementById(button.getAttribute('data-copy') || '');
  if (!source) return;
  const text = 'value' in source ? source.value : source.textContent;
  navigator.clipboard.writeText(text || '').then(() => {
    const done = button.getAttribute('data-copied');
    if (done) button.textContent = done;
  });
});

// "Select all" checkboxes: <input type="checkbox" data-select-all="name"> ticks every box named `name`.
document.addEventListener('change', (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  for (const other of document.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)) {
    other.checked = box.checked;
  }
});

// Import: a file dropped on a `.dropzone` fills its file input (the input alone works without this).
for (const zone of document.querySelectorAll('[data-dropzone]')) {
  const input = zone.querySelector('input[type=file]');
  if (!input) continue;
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    if (event.dataTransfer && event.dataTransfer.files.length > 0) input.files = event.dataTransfer.files;
  });
}

// Import progress: <section data-import-events="/imports/7/events"> follows the server's events; each
// `[data-import-field]` gets the field of that name (texts come rendered in the reader's language).
// When the import ends the page reloads once, to show the finished state and the error report link.
for (const live of document.querySelectorAll('[data-import-events]')) {
  if (!('EventSource' in window)) break;
  const source = new EventSource(live.getAttribute('data-import-events'));
  const bar = live.querySelector('progress');
  source.addEventListener('progress', (event) => {
    const state = JSON.parse(event.data);
    for (const field of live.querySelectorAll('[data-import-field]')) {
      const value = state[field.getAttribute('data-import-field')];
      if (value !== undefined) field.textContent = value;
    }
    if (bar) {
      bar.max = state.total || 1;
      bar.value = state.done;
      bar.textContent = `${state.percent} %`;
    }
    if (state.finished) {
      source.close();
      window.location.reload();
    }
  });
}

// Broadcast page: <section data-broadcast-events="/broadcasts/7/events"> follows the server's events
// like the import progress; each `[data-broadcast-field]` gets its field. Reloads once when it ends,
// or, with data-broadcast-status, when the status is no longer that one.
for (const live of document.querySelectorAll('[data-broadcast-events]')) {
  if (!('EventSource' in window)) break;
  const source = new EventSource(live.getAttribute('data-broadcast-events'));
  const bar = live.querySelector('progress');
  source.addEventListener('progress', (event) => {
    const state = JSON.parse(event.data);
    for (const field of live.querySelectorAll('[data-broadcast-field]')) {
      const value = state[field.getAttribute('data-broadcast-field')];
      if (value !== undefined) field.textContent = value;
    }
    if (bar) {
      bar.max = state.total || 1;
      bar.value = state.done;
      bar.textContent = `${state.percent} %`;
    }
    // A scheduled broadcast's page reloads when the scheduler starts it, to show its progress.
    const shown = live.getAttribute('data-broadcast-status');
    if (state.finished || (shown && state.status !== shown)) {
      source.close();
      window.location.reload();
    }
  });
}

// Broadcast editor: ticking a group asks the server whom the groups reach (the start's own count).
for (const groups of document.querySelectorAll('[data-reach-url]')) {
  const output = groups.querySelector('[data-reach]');
  let asked = 0;
  groups.addEventListener('change', () => {
    const query = new URLSearchParams();
    for (const box of groups.querySelectorAll('input[name=group]:checked')) query.append('group', box.value);
    const ask = ++asked;
    fetch(`${groups.getAttribute('data-reach-url')}?${query}`, { credentials: 'same-origin' })
      .then((response) => response.json())
      .then((reach) => {
        if (ask === asked && output && reach.status) output.textContent = reach.text;
      });
  });
}
