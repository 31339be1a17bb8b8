"""The registry of one database: its model classes, set up, plus what the ORM derives from them.

``Registry.new(server, dbname, modules)`` imports the given addons, composes a registry class per
model name from their definition classes (modules.md REG-3), sets the models up (fields collected
and merged, related fields and comodels resolved, dependency triggers built: REG-5) and caches the
registry per database name. :meth:`Registry.init_models` brings tables and columns in line with the
models (REG-6).
"""
import collections
import importlib
import logging
import threading

from ..config import DEFAULTS, Config
from . import decorators as dec
from .fields.base import Field
from .fields.misc import Id
from .fields.numeric import Integer
from .fields.relational import Many2one
from .fields.temporal import Datetime
from .fields.textual import Char

_logger = logging.getLogger(__name__)

LOG_ACCESS_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


class TriggerTree:
    """What to mark when a field changes: ``root`` fields on the same records, and per relational
    field (followed backwards) a subtree for the related records."""

    __slots__ = ("root", "children", "_stored")

    def __init__(self):
        self.root = []
        self.children = {}
        self._stored = None

    def __bool__(self):
        return bool(self.root or self.children)

    def has_stored(self):
        """Whether a stored field is marked anywhere in the tree (else invalidating the cache is
        enough: no record needs to be found)."""
        if self._stored is None:
            self._stored = any(field.store for field in self.root) or \
                any(subtree.has_stored() for subtree in self.children.values())
        return self._stored

    def add_path(self, keys, dependent):
        self._stored = None
        tree = self
        for key in keys:
            tree = tree.children.setdefault(key, TriggerTree())
            tree._stored = None
        if dependent not in tree.root:
            tree.root.append(dependent)

    def merge(self, other):
        self._stored = None
        for field in other.root:
            if field not in self.root:
                self.root.append(field)
        for key, subtree in other.children.items():
            self.children.setdefault(key, TriggerTree()).merge(subtree)

    def __repr__(self):
        return f"TriggerTree(root={self.root!r}, children={self.children!r})"


class Registry(collections.abc.Mapping):
    """Models of one database, keyed by model name."""

    registries = collections.OrderedDict()
    _lock = threading.RLock()
    #: module operations (install/upgrade/uninstall), provided by :mod:`bureau.modules.lifecycle`;
    #: the ORM does not import the module system, it is plugged in here
    module_services = None
    #: ``guard(registry, uid, verify)`` running a password re-check of a logged-in user (changing the
    #: password, creating an API key) under the login throttle; provided by
    #: :mod:`bureau.service.auth`, None when no server runs (then ``verify()`` is called directly)
    credential_guard = None

    def __init__(self, dbname, server=None, config=None):
        self.dbname = dbname
        self.server = server
        self.config = config or Config()
        self.models = {}
        self.loaded_modules = []
        self.ready = False
        self.prefetch_batch = self.config.get("prefetch_batch", DEFAULTS["prefetch_batch"])
        self.create_batch = self.config.get("create_batch", DEFAULTS["create_batch"])
        self.access_cache = {}
        self.cache_sequence = 0
        self.registry_sequence = None
        self.cache_signal_sequence = None
        self.debug = False
        self._reset_setup()

    def _reset_setup(self):
        self.field_depends = {}
        self.field_triggers = {}
        self._trigger_cache = {}
        self.field_computed = {}
        self.field_inverses = collections.defaultdict(list)
        self.many2many_relations = collections.defaultdict(list)
        self.fields_by_comodel = collections.defaultdict(list)
        self.constraint_methods = {}
        self.ondelete_methods = {}
        self.onchange_methods = {}
        self.autovacuum_methods = {}
        self.table_to_model = {}
        self.sql_constraint_messages = {}

    # -- mapping ---------------------------------------------------------------------------------
    def __getitem__(self, model_name):
        return self.models[model_name]

    def __iter__(self):
        return iter(self.models)

    def __len__(self):
        return len(self.models)

    def __contains__(self, model_name):
        return model_name in self.models

    def __repr__(self):
        return f"<Registry {self.dbname} ({len(self.models)} models)>"

    # -- registry cache --------------------------------------------------------------------------
    @classmethod
    def get(cls, dbname):
        """The loaded registry of ``dbname``.

        :raises KeyError: no registry is loaded for that database
        """
        with cls._lock:
            registry = cls.registries[dbname]
            cls.registries.move_to_end(dbname)
            return registry

    @classmethod
    def new(cls, server, dbname, modules, config=None, cr=None):
        """Build (and cache) the registry of ``dbname`` from ``modules`` (in dependency order).

        :param cr: a cursor on the database, used to set models up; one is opened when None
        """
        with cls._lock:
            registry = cls(dbname, server, config)
            registry.load_modules(modules)
            own_cursor = cr is None
            if own_cursor:
                cr = server.cursor(dbname)
            try:
                registry.setup_models(cr)
            finally:
                if own_cursor:
                    cr.close()
            cls.registries[dbname] = registry
            cls.registries.move_to_end(dbname)
            limit = registry.config.get("registry_lru_size", DEFAULTS["registry_lru_size"])
            while len(cls.registries) > limit:
                cls.registries.popitem(last=False)
            registry.ready = True
            return registry

    @classmethod
    def delete(cls, dbname):
        with cls._lock:
            cls.registries.pop(dbname, None)

    def available_manifests(self):
        """``{name: manifest}`` of the addons on the addons path."""
        return type(self).module_services.available_manifests()

    def run_module_operations(self):
        """Process the modules marked ``to install``/``to upgrade``/``to remove``; returns the new
        registry (which replaces this one for the database)."""
        return type(self).module_services.run_pending(self.server, self.dbname, self.config)

    # -- multi-process coherence (modules.md REG-8) ----------------------------------------------
    def signal_registry_change(self, cr):
        """Tell the other processes that the models changed: they rebuild their registry."""
        cr.execute("SELECT nextval('base_registry_signaling')")
        self.registry_sequence = cr.fetchone()[0]

    def signal_cache_change(self, cr):
        """Tell the other processes to clear their caches (access rights, rules, views ...)."""
        cr.execute("SELECT nextval('base_cache_signaling')")
        self.cache_signal_sequence = cr.fetchone()[0]

    def read_signals(self, cr):
        """``(registry, cache)`` sequence values currently in the database."""
        cr.execute("SELECT (SELECT last_value FROM base_registry_signaling), "
                   "(SELECT last_value FROM base_cache_signaling)")
        return tuple(cr.fetchone())

    def cursor(self, readonly=False):
        return self.server.cursor(self.dbname, readonly=readonly)

    def clear_cache(self):
        """Forget cached access rights, rules and method caches (after security changes)."""
        self.access_cache.clear()
        # transactions compare it to know whether their rollback must clear the caches again
        self.cache_sequence += 1
        self._cache_invalidated = True

    def pop_cache_invalidated(self):
        """Whether :meth:`clear_cache` ran since the last call (then other processes must be told)."""
        invalidated = getattr(self, "_cache_invalidated", False)
        self._cache_invalidated = False
        return invalidated

    # -- composing classes -----------------------------------------------------------------------
    def load_modules(self, modules):
        from .model import MetaModel
        for module in modules:
            importlib.import_module(f"bureau.addons.{module}")
            for definition in MetaModel.module_to_models.get(module, ()):
                self._build_model(definition)
            self.loaded_modules.append(module)

    def _build_model(self, cls):
        """Create or extend the registry class of ``cls``'s model (modules.md REG-3)."""
        name = cls._definition_name
        parents = [p for p in cls._inherit_list]
        if name in self.models:
            model_class = self.models[name]
            if model_class._definition_classes[0]._transient != cls._transient and cls._auto:
                raise TypeError(f"model {name}: an extension in {cls._module} changes the model kind")
        else:
            model_class = type(name, (cls,), {
                "_name": name,
                "_register": False,
                "_original_module": cls._module,
                "_inherit_children": set(),
                "_inherits_children": set(),
                "_definition_classes": [],
                "_base_classes": (),
                "_fields": {},
                "pool": self,
            })
            self.models[name] = model_class
        bases = []

        def add(base):
            if base in bases:
                bases.remove(base)
            bases.append(base)

        add(cls)
        # with several parents the last one listed comes first in the MRO: it wins, for fields and
        # methods alike (orm.md MOD-12)
        for parent in reversed(parents):
            if parent not in self.models:
                raise TypeError(f"model {name} (module {cls._module}) inherits from unknown model {parent!r}")
            parent_class = self.models[parent]
            if parent == name:
                for base in parent_class._base_classes:
                    add(base)
            else:
                add(parent_class)
                parent_class._inherit_children.add(name)
        if name != "base" and "base" in self.models:
            add(self.models["base"])
        model_class._base_classes = tuple(bases)
        model_class.__bases__ = tuple(bases)
        model_class._definition_classes = model_class._definition_classes + [cls]
        self._build_attributes(model_class)

    def _build_attributes(self, model_class):
        definitions = model_class._definition_classes
        first = definitions[0]
        model_class._auto = first._auto
        model_class._abstract = first._abstract
        model_class._transient = first._transient
        description = None
        table = None
        inherits = {}
        constraints = {}
        for definition in definitions:
            own = definition.__dict__
            description = own.get("_description") or description
            table = own.get("_table") or table
            inherits.update(own.get("_inherits", {}))
            for key, definition_sql, message in own.get("_sql_constraints", ()):
                constraints[key] = (key, definition_sql, message)
        name = model_class._name
        if description is None:
            description = name
            if not model_class._abstract:
                _logger.warning("model %s has no _description", name)
        model_class._description = description
        model_class._table = table or name.replace(".", "_")
        if len(model_class._table.encode()) > 63:
            raise TypeError(f"model {name}: table name {model_class._table!r} is longer than 63 bytes")
        model_class._inherits = inherits
        model_class._sql_constraints = list(constraints.values())
        if model_class._log_access is None or "_log_access" not in \
                {k for d in definitions for k in d.__dict__}:
            model_class._log_access = model_class._auto

    # -- setup -----------------------------------------------------------------------------------
    def setup_models(self, cr):
        """Set every model up: fields (REG-5 a), references (b), triggers and method tables (c)."""
        from ..orm.environment import Environment, SUPERUSER_ID
        self._reset_setup()
        previous = cr.transaction
        cr.transaction = None
        try:
            env = Environment(cr, SUPERUSER_ID, {}, registry=self)
            done = set()
            for name in list(self.models):
                self._setup_base(env, name, done)
            for name, model_class in self.models.items():
                model = env[name]
                for field in model_class._fields.values():
                    if not field._setup_done:
                        field.setup(model)
            for name, model_class in self.models.items():
                self._setup_complete(env, model_class)
            self._build_triggers(env)
        finally:
            cr.transaction = previous

    def _setup_base(self, env, name, done):
        if name in done:
            return
        done.add(name)
        model_class = self.models[name]
        for parent in model_class._inherits:
            if parent not in self.models:
                raise TypeError(f"model {name}: _inherits from unknown model {parent!r}")
            self._setup_base(env, parent, done)
        for attr, value in list(model_class.__dict__.items()):
            if isinstance(value, Field):
                delattr(model_class, attr)
        model_class._fields = {}
        definitions = collections.defaultdict(list)
        for klass in reversed(model_class.__mro__):
            if klass.__dict__.get("_register", True) is False:
                continue
            for attr, value in klass.__dict__.items():
                if isinstance(value, Field):
                    definitions[attr].append(value)
        fields = {}
        fields["id"] = Id.from_definitions([Id()], model_class, "id")
        for attr, defs in sorted(definitions.items(), key=lambda item: item[1][0]._definition_seq):
            fields[attr] = Field.from_definitions(defs, model_class, attr)
        if "display_name" not in fields:
            fields["display_name"] = Field.from_definitions(
                [Char(string="Display Name", compute="_compute_display_name", search="_search_display_name",
                      automatic=True)], model_class, "display_name")
        if model_class._log_access:
            magic = {
                "create_uid": Many2one("res.users", string="Created by", ondelete="set null", readonly=True,
                                       copy=False, automatic=True),
                "create_date": Datetime(string="Created on", readonly=True, copy=False, automatic=True),
                "write_uid": Many2one("res.users", string="Last Updated by", ondelete="set null", readonly=True,
                                      copy=False, automatic=True),
                "write_date": Datetime(string="Last Updated on", readonly=True, copy=False, automatic=True),
            }
            for key, definition in magic.items():
                if key not in fields:
                    fields[key] = Field.from_definitions([definition], model_class, key)
        if model_class._parent_store and "parent_path" not in fields:
            fields["parent_path"] = Field.from_definitions(
                [Char(string="Parent Path", index=True, automatic=True, copy=False)], model_class, "parent_path")
        for parent, link in model_class._inherits.items():
            if link not in fields:
                fields[link] = Field.from_definitions(
                    [Many2one(parent, required=True, ondelete="cascade", index=True, automatic=True)],
                    model_class, link)
            link_field = fields[link]
            if not link_field.required or link_field.ondelete not in (None, "cascade", "restrict"):
                raise TypeError(f"{link_field}: an _inherits link must be required with ondelete "
                                f"'cascade' or 'restrict'")
            link_field.delegate = True
            self.models[parent]._inherits_children.add(name)
            for fname, parent_field in self.models[parent]._fields.items():
                if fname in fields or fname in ("id", "display_name") + LOG_ACCESS_COLUMNS:
                    continue
                definition = type(parent_field)(related=f"{link}.{fname}", automatic=True,
                                                readonly=bool(parent_field.readonly), copy=parent_field.copy,
                                                compute_sudo=False)
                field = Field.from_definitions([definition], model_class, fname)
                field.inherited = True
                field.inherited_link = link
                if parent_field.required:
                    field.required = True
                fields[fname] = field
        for fname, field in fields.items():
            if not hasattr(field, "inherited"):
                field.inherited = False
                field.inherited_link = None
            setattr(model_class, fname, field)
        model_class._fields = fields
        if model_class._rec_name is None or model_class._rec_name not in fields:
            if "name" in fields:
                model_class._rec_name = "name"
            elif model_class._rec_name and model_class._rec_name not in fields:
                raise TypeError(f"model {name}: _rec_name {model_class._rec_name!r} is not a field")
        if model_class._active_name is None:
            if "active" in fields:
                model_class._active_name = "active"
            elif "x_active" in fields:
                model_class._active_name = "x_active"
        if model_class._parent_store and model_class._parent_name not in fields:
            raise TypeError(f"model {name}: _parent_store needs the field {model_class._parent_name!r}")

    def _setup_complete(self, env, model_class):
        name = model_class._name
        if model_class._auto:
            self.table_to_model[model_class._table] = name
        for key, _, message in model_class._sql_constraints:
            from ..db.sql import make_identifier
            self.sql_constraint_messages[make_identifier(f"{model_class._table}_{key}")] = message
        constraints, ondeletes, onchanges, autovacuums = [], [], collections.defaultdict(list), []
        seen = set()
        for klass in model_class.__mro__:
            for attr, value in klass.__dict__.items():
                if attr in seen or not callable(value):
                    continue
                if not any(hasattr(value, marker) for marker in
                           (dec._CONSTRAINS, dec._ONDELETE, dec._ONCHANGE, dec._AUTOVACUUM)):
                    continue
                seen.add(attr)
                method = getattr(model_class, attr)
                if hasattr(value, dec._CONSTRAINS):
                    fnames = getattr(value, dec._CONSTRAINS)
                    if callable(fnames):
                        fnames = fnames(env[name])
                    plain = []
                    for fname in fnames:
                        if "." in fname:
                            _logger.warning("%s.%s: @constrains on dotted name %r is ignored", name, attr, fname)
                        elif fname not in model_class._fields:
                            raise TypeError(f"{name}.{attr}: @constrains on unknown field {fname!r}")
                        else:
                            plain.append(fname)
                    constraints.append((method, tuple(plain)))
                if hasattr(value, dec._ONDELETE):
                    method._ondelete = getattr(value, dec._ONDELETE)
                    ondeletes.append(method)
                if hasattr(value, dec._ONCHANGE):
                    for fname in getattr(value, dec._ONCHANGE):
                        onchanges[fname].append(method)
                if hasattr(value, dec._AUTOVACUUM):
                    autovacuums.append(method)
        self.constraint_methods[name] = constraints
        self.ondelete_methods[name] = ondeletes
        self.onchange_methods[name] = dict(onchanges)
        self.autovacuum_methods[name] = autovacuums
        by_method = collections.defaultdict(list)
        for field in model_class._fields.values():
            if field.compute and isinstance(field.compute, str):
                by_method[field.compute].append(field)
            elif field.compute:
                self.field_computed[field] = [field]
            if field.relational:
                self.fields_by_comodel[field.comodel_name].append(field)
            if field.type == "one2many" and field.inverse_name and not (field.compute and not field.store):
                comodel = self.models[field.comodel_name]
                inverse = comodel._fields.get(field.inverse_name)
                if inverse is not None:
                    self.field_inverses[field].append(inverse)
                    self.field_inverses[inverse].append(field)
            if field.type == "many2many" and field.store and not field.compute:
                for other in self.many2many_relations[field.relation]:
                    if (other.column1, other.column2) == (field.column2, field.column1):
                        self.field_inverses[field].append(other)
                        self.field_inverses[other].append(field)
                self.many2many_relations[field.relation].append(field)
        for fields in by_method.values():
            for field in fields:
                self.field_computed[field] = fields

    # -- dependencies ----------------------------------------------------------------------------
    def _resolve_depends(self, env, field):
        """Yield the field sequences ``field`` depends on (with x2many inverses, orm.md CMP-6)."""
        model = env[field.model_name]
        paths, _ = field.get_depends(model)
        for path in paths:
            if not isinstance(path, str):
                raise TypeError(f"{field}: invalid dependency {path!r}")
            current = model
            sequence = []
            names = path.split(".")
            for index, fname in enumerate(names):
                target = current._fields.get(fname)
                if target is None:
                    raise TypeError(f"{field} (module {field.model_name}): dependency {path!r}: "
                                    f"{current._name} has no field {fname!r}")
                if target is field and index == len(names) - 1 and len(names) == 1:
                    break
                sequence.append(target)
                if target.type in ("one2many", "many2many"):
                    for inverse in self.field_inverses.get(target, ()):
                        yield tuple(sequence) + (inverse,)
                if target.relational:
                    current = env[target.comodel_name]
                elif index < len(names) - 1:
                    raise TypeError(f"{field}: dependency {path!r}: {target} is not relational")
            else:
                yield tuple(sequence)

    def _build_triggers(self, env):
        dependencies = {}
        for name, model_class in self.models.items():
            if model_class._abstract:
                continue
            for field in model_class._fields.values():
                if field.compute:
                    dependencies[field] = list(dict.fromkeys(self._resolve_depends(env, field)))
        self.field_depends = dependencies

        def transitive(field, seen):
            if field in seen:
                return
            for sequence in dependencies.get(field, ()):
                yield sequence
                for deeper in transitive(sequence[-1], seen + [field]):
                    yield sequence[:-1] + deeper

        triggers = {}
        for field in dependencies:
            for path in transitive(field, []):
                for index, modified in enumerate(path):
                    keys = list(reversed(path[:index]))
                    triggers.setdefault(modified, TriggerTree()).add_path(keys, field)
        self.field_triggers = triggers
        self._trigger_cache = {}

    def get_trigger_tree(self, model_name, fnames):
        """The merged trigger tree of the fields ``fnames`` of ``model_name``."""
        key = (model_name, fnames)
        tree = self._trigger_cache.get(key)
        if tree is None:
            tree = TriggerTree()
            fields = self.models[model_name]._fields
            for fname in fnames:
                field = fields.get(fname)
                subtree = self.field_triggers.get(field) if field is not None else None
                if subtree:
                    tree.merge(subtree)
            self._trigger_cache[key] = tree
        return tree

    # -- schema ----------------------------------------------------------------------------------
    def init_models(self, cr, model_names=None):
        """Create or update tables, columns and constraints of ``model_names`` (all by default),
        then compute new stored computed columns (modules.md REG-6)."""
        from .environment import Environment, SUPERUSER_ID
        if cr.transaction is not None and cr.transaction.registry is not self:
            cr.flush()
            cr.transaction = None
        env = Environment(cr, SUPERUSER_ID, {}, registry=self)
        names = list(model_names) if model_names is not None else list(self.models)
        models = [env[name] for name in names if self.models[name]._auto]
        for model in models:
            model._auto_init_table()
        for model in models:
            model._auto_init_constraints()
        env.flush_all()
        for name in names:
            env[name].init()
        env.flush_all()
        for model in models:
            if model._parent_store:
                model._parent_store_compute()
            columns_required = [f for f in model._fields.values() if f.required and f.column and f.compute]
            if columns_required:
                from .model_schema import table_columns
                model._sync_not_null(table_columns(cr, model._table))
