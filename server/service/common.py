"""The ``common`` service: version, login, authenticate (rpc.md §6)."""
import bureau
from ..exceptions import AccessDenied
from . import auth

SERVER_VERSION = "17.0"
SERVER_VERSION_INFO = [17, 0, 0, "final", 0, ""]


def version_info():
    """The version claim clients parse (rpc.md §1); Bureau's own version sits in an extra key."""
    return {"server_version": SERVER_VERSION, "server_version_info": list(SERVER_VERSION_INFO),
            "server_serie": SERVER_VERSION, "protocol_version": 1, "bureau_version": bureau.__version__}


def login(runtime, dbname, login_, password, address=None):
    """uid, or False on bad credentials (never raises for them)."""
    try:
        return auth.authenticate(runtime, dbname, login_, password, address)
    except AccessDenied:
        return False


def authenticate(runtime, dbname, login_, password, user_agent_env=None, address=None):
    return login(runtime, dbname, login_, password, address)


def about(extended=False):
    text = "See https://bureau.example for details (Bureau, an open business-application platform)"
    return [text, SERVER_VERSION] if extended else text
