// The phone page's script (devices/pages.py): posts forms, follows the room, swaps the parts the
// server sends (already escaped there). Nothing from elsewhere is fetched.
(() => {
  'use strict';
  let version = Number(document.body.dataset.version) || 0;
  const shown = {};
  for (const el of document.querySelectorAll('.part')) shown[el.id] = el.innerHTML;
  const say = (text) => { document.getElementById('say').textContent = text || ''; };
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
    } catch (error) { say('Not sent: the connection dropped. Try again.'); }
  });
  const follow = async () => {
    for (;;) {
      try {
        const response = await fetch('state?v=' + version, { credentials: 'same-origin', cache: 'no-store' });
        if (response.status === 404 || response.status === 403) { say('This room is closed.'); return; }
        if (response.ok) apply(await response.json());
        else await new Promise((r) => setTimeout(r, 1500));
      } catch (error) { await new Promise((r) => setTimeout(r, 2000)); }
    }
  };
  follow();
})();
