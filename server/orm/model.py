"""Models and recordsets (orm.md §1, §7).

Addons define models as classes::

    class Book(models.Model):
        _name = 'library.book'
        _description = 'Book'
        name = fields.Char(required=True)

Such a *definition class* is never used directly. Each database's registry composes, per model
name, a *registry class* whose bases are every definition class of that name (newest first, so
``super()`` walks from the newest extension to the original) followed by the registry classes of
its prototype parents and of the abstract model ``base`` (modules.md REG-3).

Instances of registry classes are **recordsets**: an environment plus an immutable tuple of ids.
The concerns are split over mixins: :mod:`.model_read` (fetching, ``read``, ``search``),
:mod:`.model_write` (``create``, ``write``, ``unlink``, flush and recomputation),
:mod:`.model_schema` (tables and columns) and :mod:`.read_group`.
"""
import logging
import re
from collections import defaultdict

from ..exceptions import UserError
from . import decorators as api
from .environment import NewId
from .model_load import LoadMixin
from .model_onchange import OnchangeMixin
from .model_read import ReadMixin
from .model_schema import SchemaMixin
from .model_write import WriteMixin
from .read_group import ReadGroupMixin

_logger = logging.getLogger(__name__)

MODEL_NAME_RE = re.compile(r"^[a-z][a-z0-9_.]*$")


def _module_of(python_module):
    parts = python_module.split(".")
    if len(parts) >= 3 and parts[0] == "bureau" and parts[1] == "addons":
        return parts[2]
    return None


class MetaModel(type):
    """Records every definition class per addon, in definition order (modules.md REG-2)."""

    module_to_models = defaultdict(list)

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        if not attrs.get("_register", True):
            return
        if "_module" not in attrs:
            cls._module = _module_of(attrs.get("__module__", ""))
        if not cls._module:
            raise TypeError(f"model class {name} must be defined in an addon (bureau.addons.<name>) "
                            f"or set _module")
        inherit = attrs.get("_inherit", ())
        if isinstance(inherit, str):
            inherit = [inherit]
        cls._inherit_list = list(inherit)
        own_name = attrs.get("_name")
        if not own_name:
            if len(cls._inherit_list) != 1:
                raise TypeError(f"model class {name}: _name is required unless _inherit is a single model")
            own_name = cls._inherit_list[0]
        if not MODEL_NAME_RE.match(own_name):
            raise TypeError(f"invalid model name {own_name!r} (lowercase letters, digits, '_' and '.')")
        cls._definition_name = own_name
        MetaModel.module_to_models[cls._module].append(cls)


class BaseModel(ReadMixin, WriteMixin, ReadGroupMixin, SchemaMixin, LoadMixin, OnchangeMixin, metaclass=MetaModel):
    """The root of all models. Use :class:`Model`, :class:`AbstractModel` or :class:`TransientModel`."""

    _register = False
    _auto = False
    _abstract = True
    _transient = False
    _name = None
    _description = None
    _inherit = ()
    _inherits = {}
    _table = None
    _rec_name = None
    _rec_names_search = None
    _order = "id"
    _sql_constraints = []
    _parent_name = "parent_id"
    _parent_store = False
    _active_name = None
    _log_access = None
    _fold_name = "fold"
    _date_name = "date"
    _check_company_auto = False
    _transient_max_hours = None
    _transient_max_count = None
    _module = None
    #: name of a PostgreSQL sequence giving the ids, when shared with other tables (default: own serial)
    _sequence = None
    _fields = {}
    pool = None

    # -- construction ----------------------------------------------------------------------------
    @classmethod
    def _browse(cls, env, ids, prefetch_ids):
        records = object.__new__(cls)
        records.env = env
        records._ids = ids
        records._prefetch_ids = prefetch_ids
        return records

    def browse(self, ids=None):
        """The records of this model with the given ids (int, list or tuple); no query is made."""
        if isinstance(ids, NewId):
            ids = (ids,)
        elif not ids:
            ids = ()
        elif isinstance(ids, int) and not isinstance(ids, bool):
            ids = (ids,)
        else:
            ids = tuple(ids)
        return self._browse(self.env, ids, ids)

    @property
    def ids(self):
        """The ids as a list (only real ids)."""
        return [i for i in self._ids if i]

    @property
    def _cr(self):
        return self.env.cr

    @property
    def _uid(self):
        return self.env.uid

    @property
    def _context(self):
        return self.env.context

    @property
    def _origin(self):
        """The database records behind these records (for new records: their ``origin``)."""
        ids = tuple(i.origin if isinstance(i, NewId) else i for i in self._ids)
        ids = tuple(i for i in ids if i)
        return self._browse(self.env, ids, ids)

    # -- environment switches --------------------------------------------------------------------
    def with_env(self, env):
        """The same records in another environment (same prefetch set)."""
        return self._browse(env, self._ids, self._prefetch_ids)

    def sudo(self, flag=True):
        """The same records in superuser mode: access rights and rules are bypassed, uid kept."""
        if flag == self.env.su:
            return self
        return self.with_env(self.env(su=flag))

    def with_user(self, user):
        """The same records as seen by ``user`` (id or record), without superuser mode."""
        if not user:
            return self
        return self.with_env(self.env(user=user, su=False))

    def with_context(self, *args, **kwargs):
        """The same records with a new context: a positional dict replaces, keywords update."""
        if args and len(args) > 1:
            raise TypeError("with_context() takes at most one positional argument")
        context = dict(args[0] if args else self.env.context)
        context.update(kwargs)
        if "allowed_company_ids" not in context and "allowed_company_ids" in self.env.context:
            context["allowed_company_ids"] = self.env.context["allowed_company_ids"]
        return self.with_env(self.env(context=context))

    def with_company(self, company):
        """The same records with ``company`` as the current company."""
        if not company:
            return self
        company_id = company if isinstance(company, int) else company.id
        allowed = list(self.env.context.get("allowed_company_ids") or self.env.companies.ids)
        if allowed and allowed[0] == company_id:
            return self
        allowed = [company_id] + [c for c in allowed if c != company_id]
        return self.with_context(allowed_company_ids=allowed)

    def with_prefetch(self, prefetch_ids=None):
        """The same records with another prefetch set (default: just themselves)."""
        if prefetch_ids is None:
            prefetch_ids = self._ids
        return self._browse(self.env, self._ids, prefetch_ids)

    # -- recordset protocol ----------------------------------------------------------------------
    def __len__(self):
        return len(self._ids)

    def __bool__(self):
        return bool(self._ids)

    def __iter__(self):
        if len(self._ids) > 1000 and self._prefetch_ids is self._ids:
            # iterate in chunks that share a prefetch set of bounded size
            for start in range(0, len(self._ids), 1000):
                chunk = self._ids[start:start + 1000]
                for record_id in chunk:
                    yield self._browse(self.env, (record_id,), chunk)
            return
        for record_id in self._ids:
            yield self._browse(self.env, (record_id,), self._prefetch_ids)

    def __reversed__(self):
        for record_id in reversed(self._ids):
            yield self._browse(self.env, (record_id,), self._prefetch_ids)

    def __contains__(self, item):
        if isinstance(item, BaseModel):
            if item._name != self._name:
                raise TypeError(f"inconsistent models in: {item} in {self}")
            return len(item._ids) == 1 and item._ids[0] in self._ids
        if isinstance(item, str):
            return item in self._fields
        raise TypeError(f"unsupported operand type(s) for 'in': {type(item).__name__!r} and recordset")

    def _check_same_model(self, other, op):
        if not isinstance(other, BaseModel) or other._name != self._name:
            raise TypeError(f"inconsistent models in: {self} {op} {other}")

    def __add__(self, other):
        """Concatenation, keeping duplicates."""
        self._check_same_model(other, "+")
        return self.browse(self._ids + other._ids)

    def __or__(self, other):
        """Union without duplicates, in order of first occurrence."""
        self._check_same_model(other, "|")
        return self.browse(tuple(dict.fromkeys(self._ids + other._ids)))

    def __and__(self, other):
        """Intersection, in the order of ``self``."""
        self._check_same_model(other, "&")
        others = set(other._ids)
        return self.browse(tuple(dict.fromkeys(i for i in self._ids if i in others)))

    def __sub__(self, other):
        """Difference, in the order of ``self``."""
        self._check_same_model(other, "-")
        others = set(other._ids)
        return self.browse(tuple(i for i in self._ids if i not in others))

    def __eq__(self, other):
        if not isinstance(other, BaseModel):
            if other:
                _logger.debug("comparing a recordset with %r", other)
            return NotImplemented
        return self._name == other._name and set(self._ids) == set(other._ids)

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other):
        self._check_same_model(other, "<")
        return set(self._ids) < set(other._ids)

    def __le__(self, other):
        self._check_same_model(other, "<=")
        return set(self._ids) <= set(other._ids)

    def __gt__(self, other):
        self._check_same_model(other, ">")
        return set(self._ids) > set(other._ids)

    def __ge__(self, other):
        self._check_same_model(other, ">=")
        return set(self._ids) >= set(other._ids)

    def __hash__(self):
        return hash((self._name, frozenset(self._ids)))

    def __repr__(self):
        return f"{self._name}{self._ids!r}" if len(self._ids) != 1 else f"{self._name}({self._ids[0]!r},)"

    def __getitem__(self, key):
        """``recs[i]`` (a record), ``recs[i:j]`` (a recordset) or ``rec['field']`` (a value)."""
        if isinstance(key, str):
            field = self._fields.get(key)
            if field is None:
                raise KeyError(f"Invalid field {key!r} on model {self._name!r}")
            return field.__get__(self, type(self))
        if isinstance(key, slice):
            return self._browse(self.env, self._ids[key], self._prefetch_ids)
        return self._browse(self.env, (self._ids[key],), self._prefetch_ids)

    def __setitem__(self, key, value):
        field = self._fields.get(key)
        if field is None:
            raise KeyError(f"Invalid field {key!r} on model {self._name!r}")
        field.__set__(self, value)

    def ensure_one(self):
        """Return ``self`` if it holds exactly one record.

        :raises ValueError: ``Expected singleton: res.partner(1, 2)``
        """
        if len(self._ids) == 1:
            return self
        raise ValueError(f"Expected singleton: {self}")

    # -- functional helpers ----------------------------------------------------------------------
    def mapped(self, func):
        """Apply ``func`` (a callable or a dotted field path) on every record.

        :returns: a recordset when the path ends on a relational field (union, in order),
            otherwise a list in record order (duplicates kept)
        """
        if not func:
            return self
        if isinstance(func, str):
            records = self
            for name in func.split("."):
                records = records._mapped_field(name)
            return records
        values = [func(record) for record in self]
        if values and isinstance(values[0], BaseModel):
            result = values[0].browse()
            ids = []
            for value in values:
                ids.extend(value._ids)
            return result.browse(tuple(dict.fromkeys(ids)))
        if not values and isinstance(func(self.browse()), BaseModel):
            return func(self.browse())
        return values

    def _mapped_field(self, name):
        field = self._fields.get(name)
        if field is None:
            raise KeyError(f"Invalid field {name!r} on model {self._name!r}")
        if field.relational:
            ids = []
            for record in self:
                ids.extend(record[name]._ids)
            comodel = self.env[field.comodel_name]
            unique = tuple(dict.fromkeys(ids))
            return comodel._browse(self.env, unique, unique)
        return [record[name] for record in self]

    def filtered(self, func):
        """The records for which ``func(record)`` (or the dotted path's value) is truthy."""
        if isinstance(func, str):
            path = func

            def func(record):
                return any(record.mapped(path))
        return self.browse(tuple(record._ids[0] for record in self if func(record)))

    def filtered_domain(self, domain):
        """The records matching ``domain``, evaluated in Python (same semantics as search)."""
        from .domain.evaluate import filter_records
        return filter_records(self, domain)

    def grouped(self, key):
        """A dict of recordsets by ``key`` (a callable or a field name)."""
        result = {}
        getter = (lambda r: r[key]) if isinstance(key, str) else key
        for record in self:
            result.setdefault(getter(record), []).append(record._ids[0])
        return {k: self.browse(tuple(v)) for k, v in result.items()}

    def sorted(self, key=None, reverse=False):
        """The records sorted by ``key`` (callable or field name), by ``_order`` when None."""
        if key is None:
            if not self._ids:
                return self
            real = [i for i in self._ids if i]
            if len(real) != len(self._ids):
                return self
            self.flush_model()
            # archived records are sorted too (the ids are given, DOM-30 does not apply)
            query = self._search([("id", "in", real)], order=self._order, active_test=False)
            ids = list(query.get_result_ids())
            ids += [i for i in real if i not in set(ids)]
            return self.browse(tuple(reversed(ids)) if reverse else tuple(ids))
        if isinstance(key, str):
            name = key
            field = self._fields.get(name)
            if field is None:
                raise KeyError(f"Invalid field {name!r} on model {self._name!r}")

            def key(record):
                # empty values last, as ORDER BY ... ASC does (DOM-41); False is a value for booleans
                value = record[name]
                if field.type == "boolean":
                    return (False, value)
                if isinstance(value, BaseModel):
                    return (not value, value.display_name or "")
                return (value is False, value if value is not False else 0)
        return self.browse(tuple(r._ids[0] for r in sorted(self, key=key, reverse=reverse)))

    @staticmethod
    def concat(*recordsets):
        """Concatenate recordsets of the same model."""
        if not recordsets:
            raise TypeError("concat() needs at least one recordset")
        ids = []
        for records in recordsets:
            ids.extend(records._ids)
        return recordsets[0].browse(tuple(ids))

    # -- in-memory records -----------------------------------------------------------------------
    @api.model
    def new(self, values=None, origin=None, ref=None):
        """An in-memory record with a :class:`NewId`; never written to the database.

        :param values: field values (write format)
        :param origin: the database record the new record stands for
        :param ref: a reference for the caller (e.g. the client's virtual id)
        """
        if origin is not None:
            origin = origin.id
        record = self.browse((NewId(origin, ref),))
        values = dict(values or {})
        for name, value in values.items():
            field = self._fields.get(name)
            if field is None:
                raise ValueError(f"Invalid field {name!r} on model {self._name!r}")
            self.env.cache.set(record, field, field.convert_to_cache(value, record))
        return record

    def _update_new(self, field, value):
        """Assign on new records: cache only, then invalidate what depends on the field."""
        cache_value = field.convert_to_cache(value, self)
        self.env.cache.update(self, field, [cache_value] * len(self._ids))
        self.modified([field.name])

    # -- names -----------------------------------------------------------------------------------
    @api.depends(lambda self: (self._rec_name,) if self._rec_name else ())
    def _compute_display_name(self):
        name = self._rec_name
        if name and name in self._fields:
            field = self._fields[name]
            for record in self:
                value = record[name]
                if field.type == "many2one":
                    value = value.display_name if value else False
                elif field.type in ("one2many", "many2many"):
                    value = ", ".join(value.mapped("display_name"))
                elif field.type == "selection":
                    value = dict(field.get_selection(self.env)).get(value, value) if value else False
                elif value is not False and not isinstance(value, str):
                    value = str(value)
                record.display_name = value or False
        else:
            for record in self:
                record.display_name = f"{self._name},{record.id}"

    def _search_display_name(self, operator, value):
        names = self._rec_names_search or ([self._rec_name] if self._rec_name else [])
        if not names:
            return [("id", operator, value)] if operator in ("=", "!=", "in", "not in") else [(0, "=", 1)]
        from .domain.parse import AND, OR, NEGATIVE_TERM_OPERATORS
        domains = [[(name, operator, value)] for name in names]
        if operator in NEGATIVE_TERM_OPERATORS:
            return AND(domains)
        return OR(domains)

    def name_get(self):
        """``[(id, display_name)]`` (compatibility wrapper).

        :raises AccessError: the user may not read some of the records
        """
        self.check_access("read")
        return [(record.id, record.display_name) for record in self]

    def _has_group(self, xml_id):
        return False

    def init(self):
        """Hook called after the schema of the model was synchronised (install and upgrade):
        create SQL views, functions or indexes the ORM does not manage."""


class Model(BaseModel):
    """A model whose records are stored in a table managed by the ORM."""

    _register = False
    _auto = True
    _abstract = False


class AbstractModel(BaseModel):
    """A model with no table: a mixin that other models inherit with ``_inherit``."""

    _register = False
    _auto = False
    _abstract = True


class TransientModel(Model):
    """A model for wizards: stored, but rows are vacuumed after ``transient_age_limit`` hours and
    each user sees only the rows they created (orm.md MOD-3)."""

    _register = False
    _transient = True

    @api.autovacuum
    def _transient_vacuum(self):
        """Delete old rows: older than the age limit, and the oldest beyond the count limit."""
        self._transient_clean_rows()


def check_create_allowed(model):
    if model._abstract:
        raise UserError(f"The model {model._name} is abstract: it cannot hold records")
