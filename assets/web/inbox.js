// Live inbox and conversation (loaded by those pages only). The section marked
// <section data-live="/inbox/events?since=N" data-refresh="/inbox?fragment=threads" [data-number="…"]>
// follows the account's events; on one that concerns it (any, for the inbox; its number's, for a
// conversation), it fetches its list again from the server, which renders it in the reader's language
// and time zone. A dropped stream reconnects by itself and is replayed what it missed (Last-Event-ID),
// and the list is fetched again on every reconnection for good measure.
'use strict';

for (const live of document.querySelectorAll('[data-live]')) {
  if (!('EventSource' in window)) break;
  const number = live.getAttribute('data-number');
  const refreshUrl = live.getAttribute('data-refresh');
  let busy = false;
  let again = false;

  const refresh = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const answer = await fetch(refreshUrl, { credentials: 'same-origin', cache: 'no-store' });
      if (answer.ok) {
        // Keep a conversation read from its end when it was scrolled there.
        const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
        live.innerHTML = await answer.text();
        if (number && atBottom) window.scrollTo(0, document.body.scrollHeight);
      }
    } finally {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  };

  const source = new EventSource(live.getAttribute('data-live'));
  let opened = false;
  source.addEventListener('open', () => {
    live.setAttribute('data-live-state', 'open');
    if (opened) refresh();
    opened = true;
  });
  source.addEventListener('error', () => live.setAttribute('data-live-state', 'reconnecting'));
  source.addEventListener('account', (event) => {
    const data = JSON.parse(event.data);
    if (number && data.number !== number) return;
    refresh();
  });
}
