"""Run the command-line interface as ``python -m aigraph``."""

from aigraph.cli import main

raise SystemExit(main())
