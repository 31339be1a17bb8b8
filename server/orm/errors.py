"""Errors the ORM raises on bad input, and the mapping of PostgreSQL integrity errors (orm.md CON-2).

Input errors subclass both :class:`~bureau.exceptions.ValidationError` (what clients see) and
:class:`ValueError` (what the spec names for programming errors), so either ``except`` catches them.
"""
import psycopg2.errorcodes

from ..exceptions import UserError, ValidationError


class InputError(ValidationError, ValueError):
    """Bad input: an unknown field, operator, order clause or value. The message names it."""


def invalid_field(model, name):
    return InputError(f"Invalid field {name!r} on model {model._name!r}")


def map_integrity_error(env, exc):
    """The user error standing for a PostgreSQL integrity error, or None for other errors."""
    code = getattr(exc, "pgcode", None)
    diag = getattr(exc, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    table = getattr(diag, "table_name", None)
    column = getattr(diag, "column_name", None)
    registry = env.registry
    model = registry.table_to_model.get(table) if table else None
    if code in (psycopg2.errorcodes.UNIQUE_VIOLATION, psycopg2.errorcodes.CHECK_VIOLATION,
                psycopg2.errorcodes.EXCLUSION_VIOLATION):
        message = registry.sql_constraint_messages.get(constraint)
        if message:
            return ValidationError(env._(message))
        return ValidationError(env._("The operation cannot be completed: %s",
                                     (getattr(diag, "message_primary", None) or str(exc)).strip()))
    if code == psycopg2.errorcodes.NOT_NULL_VIOLATION:
        if model and column and column in registry[model]._fields:
            field = registry[model]._fields[column]
            return ValidationError(env._(
                "The operation cannot be completed: the field '%s' (%s) is required on %s (%s).",
                field.string, column, registry[model]._description, model))
        return ValidationError(env._("The operation cannot be completed: a mandatory value is missing (%s).",
                                     column or "?"))
    if code in (psycopg2.errorcodes.FOREIGN_KEY_VIOLATION, psycopg2.errorcodes.RESTRICT_VIOLATION):
        primary = (getattr(diag, "message_primary", None) or str(exc))
        # ON DELETE RESTRICT reports restrict_violation (23001), NO ACTION foreign_key_violation
        if code == psycopg2.errorcodes.RESTRICT_VIOLATION or "update or delete" in primary:
            referencing = model or table
            label = registry[model]._description if model else table
            return UserError(env._(
                "The operation cannot be completed: records of %s (%s) still reference the record you are "
                "deleting or changing. If possible, archive it instead.", label, referencing))
        return ValidationError(env._(
            "The operation cannot be completed: the referenced record does not exist (%s).",
            column or constraint or "?"))
    if code and code.startswith("23"):
        return ValidationError(env._("The operation cannot be completed: %s",
                                     (getattr(diag, "message_primary", None) or str(exc)).strip()))
    return None


def execute_checked(env, query):
    """Run ``query``, turning integrity errors into user errors (CON-2)."""
    try:
        env.cr.execute(query)
    except psycopg2.IntegrityError as exc:
        mapped = map_integrity_error(env, exc)
        if mapped is None:
            raise
        raise mapped from exc
