// The phone page's script (devices/pages.py): posts forms, follows the room, swaps the parts the
// server sends (already escaped there). Nothing from elsewhere is fetched.
(() => {
  'use strict';
  let version = Number(document.body.dataset.version) || 0;
  const shown = {};
  for (const el of document.querySelectorAll('.part')) shown[el.id] = el.innerHTML;
  const say = (text) => { document.getElementById('say').textContent = text || ''; };
  // A long poll sent before a post may come back after it, rendered for who the phone was then
  // (no name yet, before a claim): after each accepted post the poll in flight is called off, its
  // answer dropped, and it is sent again with the cookie and version the post brought.
  let polling = null;
  const apply = (data) => {
    if (!data || !data.parts) return;
    version = data.v;
    for (const [name, html] of Object.entries(data.parts)) {
      const el = document.getElementById('part-' + name);
      if (el && shown[el.id] !== html) { el.innerHTML = html; shown[el.id] = html; }
    }
    if (data.me) document.getElementById('me').textContent = data.me;
  };
  document.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = new URLSearchParams(new FormData(form, event.submitter));
    try {
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST', body, credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' },
      });
      const data = await response.json();
      say(data.message);
      if (data.ok && form.dataset.reset) form.reset();
      apply(data);
      if (data.ok && polling) polling.abort();  // only a change (ok) can make the poll stale
    } catch (error) { say('Not sent: the connection dropped. Try again.'); }
  });
  const follow = async () => {
    for (;;) {
      const asked = new AbortController();
      polling = asked;
      try {
        const response = await fetch('state?v=' + version, {
          credentials: 'same-origin', cache: 'no-store', signal: asked.signal,
        });
        if (response.status === 404 || response.status === 403) { say('This room is closed.'); return; }
        if (response.ok) {
          const before = version;
          const data = await response.json();
          if (!asked.signal.aborted) apply(data);
          // nothing new (a busy server answers at once rather than hold the poll): a breath first
          if (data.v === before) await new Promise((r) => setTimeout(r, 1000));
        } else await new Promise((r) => setTimeout(r, 1500));
      } catch (error) {
        if (!asked.signal.aborted) await new Promise((r) => setTimeout(r, 2000));
      }
    }
  };
  follow();
})();
