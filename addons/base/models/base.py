"""The abstract model ``base`` that every model inherits (orm.md MOD-4)."""
from bureau import models


class Base(models.AbstractModel):
    _name = "base"
    _description = "Base"
