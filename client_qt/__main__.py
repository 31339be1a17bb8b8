"""``python -m client_qt``: the Bureau desktop client."""
import sys

from .app import main

sys.exit(main())
