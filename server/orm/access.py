"""Access control enforced by the ORM: access rights, record rules, field groups (orm.md §13).

Every CRUD path calls into this module; nothing else decides who may do what.

* **Access rights** (``ir.model.access``): per model and group, the union of the rows that apply
  to the user (rows without a group apply to everybody). No row for a model means nobody but the
  superuser has any right on it.
* **Record rules** (``ir.rule``): domains restricting which rows a user reaches, evaluated by the
  ``ir.rule`` model; global rules are intersected, group rules united. Transient models add an
  implicit rule: users only see the rows they created.
* **Field groups**: a field with ``groups=`` is invisible and untouchable to other users.

The superuser (``sudo()``) bypasses all three. Results are cached per registry and cleared
(:meth:`Registry.clear_cache`) when rights, rules, groups or memberships change.
"""
import logging

from ..db.sql import SQL
from ..exceptions import AccessError

_logger = logging.getLogger(__name__)

OPERATIONS = ("read", "write", "create", "unlink")
#: the name shown for a linked record the user may not read (a many2one value, a group label)
RESTRICTED_NAME = "Restricted"


def check_model_access(model, operation, raise_exception=True):
    """Whether the user of ``model.env`` holds ``operation`` on the model (ir.model.access).

    :raises AccessError: refused and ``raise_exception``; the message names operation, model and
        the groups that would grant it
    """
    env = model.env
    if env.su:
        return True
    if operation not in OPERATIONS:
        raise ValueError(f"Invalid access operation {operation!r}")
    cache = env.registry.access_cache
    key = ("acl", env.uid, model._name, operation)
    allowed = cache.get(key)
    if allowed is None:
        allowed = _query_acl(env, model._name, operation)
        cache[key] = allowed
    if not allowed and raise_exception:
        raise _acl_error(model, operation)
    return allowed


def _query_acl(env, model_name, operation):
    if "ir.model.access" not in env.registry:
        return False
    env["ir.model.access"].flush_model()
    env.cr.execute(SQL(
        f"SELECT 1 FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id "
        f"LEFT JOIN res_groups_users_rel gu ON gu.gid = a.group_id AND gu.uid = %s "
        f"WHERE m.model = %s AND a.active AND a.perm_{operation} "
        f"AND (a.group_id IS NULL OR gu.uid IS NOT NULL) LIMIT 1", env.uid, model_name))
    return bool(env.cr.fetchone())


def _acl_error(model, operation):
    env = model.env
    groups = []
    if "ir.model.access" in env.registry:
        env.cr.execute(SQL(
            f"SELECT DISTINCT g.name FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id "
            f"JOIN res_groups g ON g.id = a.group_id WHERE m.model = %s AND a.active AND a.perm_{operation}",
            model._name))
        groups = sorted(_plain_text(name) for (name,) in env.cr.fetchall())
    labels = {"read": "read", "write": "modify", "create": "create", "unlink": "delete"}
    message = env._("You are not allowed to %s '%s' (%s) records.", labels[operation],
                    model._description, model._name)
    if groups:
        message += "\n\n" + env._("This operation is allowed for the following groups:") + "\n" + \
            "\n".join(f"\t- {name}" for name in groups)
    else:
        message += "\n\n" + env._("No group currently allows this operation.")
    message += "\n\n" + env._("Contact your administrator to request access if necessary.")
    return AccessError(message)


def _plain_text(value):
    if isinstance(value, dict):
        return value.get("en_US") or next(iter(value.values()), "")
    return str(value)


def rule_domain(model, operation):
    """The record-rule domain restricting ``operation`` on ``model`` for the user ([] if none)."""
    env = model.env
    if env.su:
        return []
    domain = []
    if "ir.rule" in env.registry:
        domain = env["ir.rule"]._compute_domain(model._name, operation)
    if model._transient:
        from .domain.parse import AND
        domain = AND([domain, [("create_uid", "=", env.uid)]]) if domain else [("create_uid", "=", env.uid)]
    for parent_model, link in model._inherits.items():
        parent_domain = rule_domain(env[parent_model], operation)
        if parent_domain:
            from .domain.parse import AND
            domain = AND([domain, [(link, "any", parent_domain)]]) if domain else [(link, "any", parent_domain)]
    return domain


def filter_readable(records):
    """The records of ``records`` the user's read rules allow (new records are kept).

    Answers are remembered in the transaction until the next change of data, and each question is
    asked for the whole prefetch set, so iterating over many x2many values costs one query.
    """
    env = records.env
    if env.su or not records._ids:
        return records
    domain = rule_domain(records, "read")
    if not domain:
        return records
    key = (env.uid, records._name, tuple(env.context.get("allowed_company_ids") or ()))
    known = env.transaction.rule_cache.setdefault(key, {})
    unknown = [i for i in records._ids if i and i not in known]
    if unknown:
        extra = [i for i in records._prefetch_ids if i and i not in known]
        ids = list(dict.fromkeys(unknown + extra[:1000]))
        from .domain.parse import AND
        allowed = set(records.sudo().with_context(active_test=False)._search(
            AND([[("id", "in", ids)], domain])).get_result_ids())
        known.update((i, i in allowed) for i in ids)
    return records._browse(env, tuple(i for i in records._ids if not i or known[i]), records._prefetch_ids)


def readable(records):
    """The records of ``records`` the user may read: none without the read access right on the
    model, else those the read rules allow (new records are kept). Batched and remembered like
    :func:`filter_readable`.
    """
    env = records.env
    if env.su or not records._ids:
        return records
    if not check_model_access(records, "read", raise_exception=False):
        return records._browse(env, tuple(i for i in records._ids if not i), records._prefetch_ids)
    return filter_readable(records)


def display_name_of(record):
    """The name the user sees for the single ``record`` linked from a record they read (a many2one
    value, an export cell, a group label): its display name when they may read it, else
    :data:`RESTRICTED_NAME` — the id of the link is the linking record's data, the name is not.
    """
    if not record.env.su and not readable(record):
        return record.env._(RESTRICTED_NAME)
    return record.sudo().display_name


def readable_condition(comodel, query, alias):
    """The SQL condition restricting the rows of ``comodel`` joined as ``alias`` in ``query`` to
    those the user may read (``FALSE`` without the read access right), or None when nothing is
    restricted. Used where a query reads another model's columns through a join (sorting by a
    many2one), so that the comodel's rules cannot be bypassed there either.
    """
    env = comodel.env
    if env.su:
        return None
    if not check_model_access(comodel, "read", raise_exception=False):
        return SQL("FALSE")
    domain = rule_domain(comodel, "read")
    if not domain:
        return None
    from .domain.compile import compile_domain
    return compile_domain(comodel.sudo().with_context(active_test=False), domain, query, alias)


def check_record_rules(records, operation):
    """Raise :class:`AccessError` when some of ``records`` are outside the user's rules."""
    env = records.env
    if env.su:
        return
    ids = [i for i in records._ids if i]
    if not ids:
        return
    domain = rule_domain(records, operation)
    if not domain:
        return
    from .domain.compile import compile_domain
    from .query import Query
    sudo_model = records.sudo().with_context(active_test=False)
    allowed = set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        query = Query(env, records._table)
        query.add_where(SQL("%s IN %s", SQL.identifier(query.alias, "id"), tuple(chunk)))
        query.add_where(compile_domain(sudo_model, domain, query))
        env.cr.execute(query.select())
        allowed.update(row[0] for row in env.cr.fetchall())
    refused = [i for i in ids if i not in allowed]
    if not refused:
        return
    # records that vanished are not a rule failure
    existing = records.browse(refused).sudo().exists()
    if existing:
        raise rule_error(records, operation, existing)


def rule_error(model, operation, records):
    env = model.env
    labels = {"read": "read", "write": "modify", "create": "create", "unlink": "delete"}
    message = env._("Due to security restrictions, you are not allowed to %s '%s' (%s) records.",
                    labels[operation], model._description, model._name)
    message += "\n\n" + env._("Contact your administrator to request access if necessary.")
    if env.context.get("debug") or getattr(env.registry, "debug", False):
        message += "\n\n" + env._("Records: %s, User: %s", records.ids[:6], env.uid)
    return AccessError(message)


def has_field_access(model, field):
    """Whether the user may see ``field`` (its ``groups``, if any)."""
    if not field.groups or model.env.su:
        return True
    env = model.env
    key = ("field_groups", env.uid, field.groups)
    cache = env.registry.access_cache
    allowed = cache.get(key)
    if allowed is None:
        allowed = env.user._has_any_group(field.groups)
        cache[key] = allowed
    return allowed


def check_field_groups(model, fnames, operation):
    """Raise :class:`AccessError` when some of ``fnames`` are restricted to groups the user lacks."""
    if model.env.su:
        return
    refused = []
    for name in fnames:
        field = model._fields.get(name)
        if field is not None and field.groups and not has_field_access(model, field):
            refused.append(name)
    if refused:
        env = model.env
        raise AccessError(env._(
            "You do not have enough rights to access the fields \"%s\" on %s (%s). "
            "Please contact your system administrator.\n\n(Operation: %s)",
            ", ".join(sorted(refused)), model._description, model._name, operation))
