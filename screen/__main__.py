"""Run htscreen as ``python -m screen``."""

from screen.app.cli import main

raise SystemExit(main())
