"""``python -m gateway`` is ``ll2-gateway``."""

from gateway.cli import main

raise SystemExit(main())
