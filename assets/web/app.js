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
