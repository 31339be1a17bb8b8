"""Method decorators for addons: ``@api.model``, ``@api.depends(...)``, ``@api.constrains(...)`` ..."""
from .orm.decorators import autovacuum as autovacuum
from .orm.decorators import constrains as constrains
from .orm.decorators import depends as depends
from .orm.decorators import depends_context as depends_context
from .orm.decorators import model as model
from .orm.decorators import model_create_multi as model_create_multi
from .orm.decorators import onchange as onchange
from .orm.decorators import ondelete as ondelete
from .orm.decorators import private as private
from .orm.decorators import returns as returns
from .orm.environment import Environment as Environment
from .orm.environment import SUPERUSER_ID as SUPERUSER_ID


def __getattr__(name):
    from .orm import decorators
    return decorators.__getattr__(name)
