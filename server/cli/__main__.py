"""``python -m bureau.cli``: the ``bureau`` command."""
import sys

from .main import main

sys.exit(main())
