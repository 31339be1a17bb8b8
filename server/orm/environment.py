"""Environments and transactions (orm.md §6, §8).

An :class:`Environment` is what every recordset carries: a cursor, a user id, a context and the
superuser flag. All environments on one cursor share one :class:`Transaction`, which holds the
cache, the pending column updates (``towrite``), the stored computed fields waiting for
recomputation (``tocompute``) and the fields being computed right now (``protected``).

>>> env = Environment(cr, uid=2, context={'lang': 'en_US'})
>>> partners = env['res.partner'].search([('is_company', '=', True)])
>>> partners.sudo().env.su
True
"""
import contextlib
import logging
from collections import defaultdict
from collections.abc import Mapping

from ..exceptions import AccessError, ValidationError
from .cache import Cache

_logger = logging.getLogger(__name__)

SUPERUSER_ID = 1


class NewId:
    """The id of a record that exists only in memory (``Model.new()``); it is falsy.

    :ivar origin: the id of the database record this new record stands for, if any
    :ivar ref: an opaque reference given by the caller (e.g. the client's virtual id)
    """

    __slots__ = ("origin", "ref")

    def __init__(self, origin=None, ref=None):
        self.origin = origin
        self.ref = ref

    def __bool__(self):
        return False

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, NewId):
            return False
        if self.origin and other.origin:
            return self.origin == other.origin
        return bool(self.ref) and self.ref == other.ref

    def __hash__(self):
        return hash(self.origin or self.ref or id(self))

    def __repr__(self):
        if self.origin:
            return f"<NewId origin={self.origin!r}>"
        if self.ref:
            return f"<NewId ref={self.ref!r}>"
        return f"<NewId 0x{id(self):x}>"

    def __str__(self):
        return f"NewId_{self.origin or self.ref or id(self)}"


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_freeze(v) for v in value)
    return value


class FrozenDict(dict):
    """A read-only dict: environments' contexts can't be changed in place."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("the context is read-only; use with_context() to derive a new one")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self):
        return hash(_freeze(self))


class Transaction:
    """State shared by every environment of one cursor: cache, pending writes and computations."""

    def __init__(self, registry, cr):
        self.registry = registry
        self.cr = cr
        self.cache = Cache()
        self.envs = {}
        #: {model name: {id: {field name: cache value}}}: column updates not yet sent to PostgreSQL
        self.towrite = defaultdict(dict)
        #: {field: {ids}}: stored computed fields to recompute
        self.tocompute = defaultdict(set)
        #: {field: {ids}}: values being computed, which assignments must not mark as modified
        self.protected = defaultdict(set)
        self.default_env = None
        self.flushing = False
        #: {(uid, model, companies): {id: readable}}: record-rule answers until data changes
        self.rule_cache = {}
        #: the registry's ``cache_sequence`` when this transaction last committed or rolled back
        self.cache_sequence = registry.cache_sequence

    def flush(self):
        """Recompute pending stored fields and send every pending update to PostgreSQL."""
        env = self.default_env
        if env is None:
            return
        if self.flushing:
            return
        self.flushing = True
        try:
            for _ in range(100):
                fields = [f for f, ids in self.tocompute.items() if ids]
                if not fields:
                    break
                for field in fields:
                    env[field.model_name]._recompute_field(field)
            for model_name in list(self.towrite):
                if self.towrite.get(model_name):
                    env[model_name]._flush_updates()
        finally:
            self.flushing = False

    def clear(self):
        """Forget cached values (after commit: another transaction may change anything)."""
        self.cache.clear()
        self.rule_cache.clear()
        self.tocompute.clear()
        self.towrite.clear()
        self.protected.clear()
        self.cache_sequence = self.registry.cache_sequence

    def reset(self):
        """Forget cached values *and* pending updates (after a rollback, orm.md CCH-7).

        When security data changed in the rolled-back part, the registry caches (access rights,
        rules, groups) may hold results computed from rows that no longer exist: clear them.
        """
        if self.registry.cache_sequence != self.cache_sequence:
            self.registry.clear_cache()
        self.clear()


class Environment(Mapping):
    """Access to the models of one database for one user, context and privilege level.

    :param cr: the :class:`~bureau.db.cursor.Cursor` (its transaction holds the cache)
    :param uid: the user id; :data:`SUPERUSER_ID` forces ``su``
    :param context: a dict of context keys (``lang``, ``tz``, ``active_test`` ...)
    :param su: superuser mode: access rights and record rules are bypassed
    """

    def __new__(cls, cr, uid, context, su=False, registry=None):
        if uid == SUPERUSER_ID:
            su = True
        transaction = cr.transaction
        if transaction is None:
            if registry is None:
                from .registry import Registry
                registry = Registry.get(cr.dbname)
            transaction = cr.transaction = Transaction(registry, cr)
        context = FrozenDict(context or {})
        key = (uid, hash(context), su)
        env = transaction.envs.get(key)
        if env is not None and env.context == context:
            return env
        self = object.__new__(cls)
        self.cr = cr
        self.uid = uid
        self.context = context
        self.su = su
        self.transaction = transaction
        self.registry = transaction.registry
        self.cache = transaction.cache
        self._cache_key = {}
        transaction.envs[key] = self
        if transaction.default_env is None:
            transaction.default_env = self
        return self

    def __reduce__(self):
        raise TypeError("environments cannot be pickled")

    # -- models ----------------------------------------------------------------------------------
    def __getitem__(self, model_name):
        """An empty recordset of ``model_name``; :class:`KeyError` for an unknown model."""
        return self.registry[model_name]._browse(self, (), ())

    def __contains__(self, model_name):
        return model_name in self.registry

    def __iter__(self):
        return iter(self.registry)

    def __len__(self):
        return len(self.registry)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __hash__(self):
        return object.__hash__(self)

    def __repr__(self):
        return f"<Environment {self.cr.dbname} uid={self.uid}{' su' if self.su else ''}>"

    def __call__(self, cr=None, user=None, context=None, su=None):
        """Derive an environment in the same transaction with some parameters changed."""
        cr = self.cr if cr is None else cr
        context = self.context if context is None else context
        if user is None:
            uid = self.uid
        else:
            uid = user if isinstance(user, int) else user.id
        if su is None:
            su = self.su if user is None else False
        return Environment(cr, uid, context, su)

    # -- user and company ------------------------------------------------------------------------
    @property
    def user(self):
        """The current user as a ``res.users`` record (in superuser mode)."""
        return self(su=True)["res.users"].browse(self.uid)

    @property
    def lang(self):
        lang = self.context.get("lang")
        return lang if isinstance(lang, str) and lang else None

    @property
    def company(self):
        """The company the user works in: the first of ``allowed_company_ids``, else their main one."""
        ids = self._allowed_company_ids()
        return self["res.company"].browse(ids[:1])

    @property
    def companies(self):
        """The companies the user works in (``allowed_company_ids``), checked against their own."""
        return self["res.company"].browse(self._allowed_company_ids())

    def _allowed_company_ids(self):
        key = ("companies", _freeze(self.context.get("allowed_company_ids")))
        if key in self._cache_key:
            return self._cache_key[key]
        user = self.user
        if "company_id" not in user._fields:
            ids = []
        else:
            allowed = self.context.get("allowed_company_ids")
            user_companies = user.company_ids.ids if "company_ids" in user._fields else []
            if allowed:
                allowed = [int(c) for c in allowed]
                if not self.su:
                    bad = [c for c in allowed if c not in user_companies]
                    if bad:
                        raise AccessError(f"Access to unauthorized or invalid companies: {bad}")
                ids = allowed
            else:
                ids = user.company_id.ids or user_companies[:1]
        self._cache_key[key] = ids
        return ids

    def ref(self, xml_id, raise_if_not_found=True):
        """The record with external id ``module.name``.

        :raises ValueError: the external id does not exist (unless ``raise_if_not_found`` is false)
        """
        if "." not in xml_id:
            raise ValueError(f"External ID must be of the form module.name: {xml_id!r}")
        res_model, res_id = self["ir.model.data"]._xmlid_to_res_model_res_id(
            xml_id, raise_if_not_found=raise_if_not_found)
        if res_model and res_id:
            record = self[res_model].browse(res_id)
            if record.exists():
                return record
            if raise_if_not_found:
                raise ValueError(f"External ID {xml_id!r} points to a deleted record {record!r}")
        return None

    def is_superuser(self):
        return self.su

    def is_admin(self):
        """Superuser mode, or the user is an access-rights administrator."""
        return self.su or self.user._has_group("base.group_erp_manager")

    def is_system(self):
        """Superuser mode, or the user is a settings administrator."""
        return self.su or self.user._has_group("base.group_system")

    # -- cache and flushing ----------------------------------------------------------------------
    def flush_all(self):
        """Send every pending change of the transaction to PostgreSQL."""
        self.transaction.flush()

    def invalidate_all(self, flush=True):
        """Forget every cached value (after raw SQL that changed data)."""
        if flush:
            self.flush_all()
        self.cache.clear()

    @contextlib.contextmanager
    def protecting(self, fields, records):
        """While inside, assigning ``fields`` on ``records`` does not mark anything modified."""
        protected = self.transaction.protected
        added = []
        for field in fields:
            new = set(records._ids) - protected[field]
            protected[field].update(new)
            added.append((field, new))
        try:
            yield
        finally:
            for field, ids in added:
                protected[field].difference_update(ids)

    def is_protected(self, field, record_id):
        return record_id in self.transaction.protected.get(field, ())

    def add_to_compute(self, field, records):
        if records:
            self.transaction.tocompute[field].update(records._ids)

    def remove_to_compute(self, field, records):
        ids = self.transaction.tocompute.get(field)
        if ids:
            ids.difference_update(records._ids)

    def records_to_compute(self, field):
        ids = self.transaction.tocompute.get(field, ())
        return self[field.model_name].browse(list(ids))

    def _(self, source, *args, **kwargs):
        """Translate ``source`` into the user's language and format it (orm.md EXC-4)."""
        from ..tools.translate import translate
        return translate(source, self.lang, *args, **kwargs)


def check_context_lang(env):
    lang = env.lang
    if lang is not None and not isinstance(lang, str):
        raise ValidationError(f"invalid language in context: {lang!r}")
