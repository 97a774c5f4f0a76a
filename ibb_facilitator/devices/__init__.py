"""People's own devices in the room (issue 17): private ideas, votes revealed together, the wall
on every phone.

- ``room``: what the room open to devices holds (who claimed which name, the ideas waiting for
  the facilitator, the vote open now and its hidden answers) and every rule about it. Pure: no
  web server, no Textual; time and randomness come in from outside.
- ``pages``: the phone page's HTML, built on the server, every text escaped.
- ``server``: the small aiohttp server that serves ``pages`` and takes the phones' requests,
  checked against the session's token, sizes and rates limited. It runs on the app's own event
  loop; the facilitator's app talks to the ``room`` directly.
- ``qr``: the join address as a QR code drawn in text, for the recorder's screen and the wall.
- ``announce``: a training table whose room is open says where in its class folder (``.devices/``).
- ``classdoor``: one address for a whole training class (``ibb class DIR --devices``): phones pick
  their table, then their name; their requests pass on to that table's own server on loopback.
"""
