"""Model base classes for addons: ``models.Model``, ``models.AbstractModel``, ``models.TransientModel``."""
from .orm.model import AbstractModel as AbstractModel
from .orm.model import BaseModel as BaseModel
from .orm.model import Model as Model
from .orm.model import TransientModel as TransientModel
from .orm.environment import NewId as NewId
