"""X2many write commands (orm.md API-4): ``Command.create(vals)`` is ``(0, 0, vals)`` and so on."""
import enum


class Command(enum.IntEnum):
    """Commands writing one2many and many2many fields; tuples with the same numbers are accepted."""

    CREATE = 0
    UPDATE = 1
    DELETE = 2
    UNLINK = 3
    LINK = 4
    CLEAR = 5
    SET = 6

    @classmethod
    def create(cls, values):
        """Create a record with ``values`` and link it."""
        return (cls.CREATE, 0, values)

    @classmethod
    def update(cls, id, values):
        """Write ``values`` on the linked record ``id``."""
        return (cls.UPDATE, id, values)

    @classmethod
    def delete(cls, id):
        """Delete record ``id`` (and so its link)."""
        return (cls.DELETE, id, 0)

    @classmethod
    def unlink(cls, id):
        """Remove the link to ``id`` (a one2many line whose inverse is required is deleted)."""
        return (cls.UNLINK, id, 0)

    @classmethod
    def link(cls, id):
        """Add a link to existing record ``id``."""
        return (cls.LINK, id, 0)

    @classmethod
    def clear(cls):
        """Remove every link."""
        return (cls.CLEAR, 0, 0)

    @classmethod
    def set(cls, ids):
        """Make the links exactly ``ids``."""
        return (cls.SET, 0, list(ids))
