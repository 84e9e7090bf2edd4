"""``python -m downhill train ...``: see downhill.cli."""

import sys

from downhill.cli import main

sys.exit(main())
