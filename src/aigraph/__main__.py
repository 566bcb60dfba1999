"""Run the command-line interface as ``python -m aigraph``."""

from aigraph.cli import main

# The guard matters: query workers start by importing the main module again.
if __name__ == "__main__":
    raise SystemExit(main())
