"""Run htscreen as ``python -m screen``."""

from screen.cli import main

raise SystemExit(main())
