"""Build the example newsroom: `python generate.py` is `feeds build`; any other arguments go to feeds."""

import sys

from feeds.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["build"]))
