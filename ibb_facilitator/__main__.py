"""``python -m ibb_facilitator`` runs the ``ibb`` command."""

from .cli import main

raise SystemExit(main())
