"""``python -m bureau``: the ``bureau`` command."""
import sys

from .cli.main import main

sys.exit(main())
