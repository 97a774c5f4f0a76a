// The phone page's script (devices/pages.py): posts forms, follows the room, swaps the parts the
// server sends (already escaped there). Nothing from elsewhere is fetched.
(() => {
  'use strict';
  let version = Number(document.body.dataset.version) || 0;
  const shown = {};
  for (const el of document.querySelectorAll('.part')) shown[el.id] = el.innerHTML;
  // Each post's answer is this device's whole state; a poll sent before a post was answered may
  // come back after it, rendered for who the device was then (before it claimed its name): such
  // an answer is dropped and the poll sent again.
  let sent = 0;
  let answered = 0;
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
    sent += 1;
    try {
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST', body, credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' },
      });
      const data = await response.json();
      say(data.message);
      if (data.ok && form.dataset.reset) form.reset();
      apply(data);
    } catch (error) { say('Not sent: the connection dropped. Try again.'); }
    finally { answered += 1; }
  });
  const follow = async () => {
    for (;;) {
      try {
        const [sentBefore, answeredBefore] = [sent, answered];
        const response = await fetch('state?v=' + version, { credentials: 'same-origin', cache: 'no-store' });
        if (response.status === 404 || response.status === 403) { say('This room is closed.'); return; }
        if (response.ok) {
          const data = await response.json();
          if (sent === sentBefore && answered === answeredBefore && answered === sent) apply(data);
        } else await new Promise((r) => setTimeout(r, 1500));
      } catch (error) { await new Promise((r) => setTimeout(r, 2000)); }
    }
  };
  follow();
})();
