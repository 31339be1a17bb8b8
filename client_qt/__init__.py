"""Bureau's desktop client: a PySide6 application that renders the server's XML views.

It talks to the server only over JSON-RPC (``client_qt.rpc``) and never imports ``bureau``.
"""

__version__ = "0.1.0"
