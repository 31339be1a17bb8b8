"""Numbers and flags: Integer, Float, Monetary and Boolean (orm.md §3)."""
import math

from ...tools.numbers import float_round
from .base import Field

INT4_MIN, INT4_MAX = -2**31, 2**31 - 1


class Integer(Field):
    """A 32-bit integer (``INT4``); an empty value reads as 0."""

    type = "integer"
    column_type = ("int4", "INT4")

    def _default_aggregator(self):
        return "sum"

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return 0
        if isinstance(value, str):
            value = value.strip()
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"Wrong value for {self}: {value!r} is not an integer") from None
        if validate and not INT4_MIN <= number <= INT4_MAX:
            raise ValueError(f"Wrong value for {self}: {number} does not fit in a 32-bit integer")
        return number

    def convert_to_record(self, value, record):
        return value or 0

    def convert_to_read(self, value, record, use_display_name=True):
        return value or 0

    def convert_to_export(self, value, record):
        return value if value or value == 0 else ""


class Float(Field):
    """A floating-point number: ``FLOAT8``, or ``NUMERIC`` when ``digits`` is given.

    :param digits: ``(precision, scale)``, or the name of a ``decimal.precision`` record; values
        are rounded to the scale on write
    """

    type = "float"
    column_type = ("float8", "FLOAT8")
    _extra_attrs = {"digits": None}

    def _setup_attrs_extra(self, model_class, args):
        if self.digits:
            self.column_type = ("numeric", "NUMERIC")

    def _default_aggregator(self):
        return "sum"

    def get_digits(self, env):
        if isinstance(self.digits, str):
            if "decimal.precision" in env:
                return (16, env["decimal.precision"].precision_get(self.digits))
            return None
        return self.digits

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return 0.0
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"Wrong value for {self}: {value!r} is not a number") from None
        if validate and not math.isfinite(number):
            raise ValueError(f"Wrong value for {self}: {value!r} is not a finite number")
        if validate and self.digits:
            digits = self.get_digits(record.env)
            if digits:
                number = float_round(number, precision_digits=digits[1])
        return number

    def convert_to_record(self, value, record):
        return 0.0 if value is None else value

    def convert_to_read(self, value, record, use_display_name=True):
        return 0.0 if value is None or value is False else value

    def convert_to_export(self, value, record):
        return value if value or value == 0 else ""

    def get_description(self, env):
        desc = super().get_description(env)
        digits = self.get_digits(env) if self.digits else None
        if digits:
            desc["digits"] = list(digits)
        return desc


class Monetary(Float):
    """An amount in a currency: ``NUMERIC``, rounded with the currency's rounding.

    :param currency_field: the Many2one to ``res.currency`` giving the currency [``currency_id``]
    """

    type = "monetary"
    column_type = ("numeric", "NUMERIC")
    _extra_attrs = {"currency_field": None}

    def _setup_attrs_extra(self, model_class, args):
        self.column_type = ("numeric", "NUMERIC")

    def setup(self, model):
        super().setup(model)
        if not self.currency_field:
            self.currency_field = "currency_id"
        if self.currency_field not in model._fields:
            raise TypeError(f"{self}: the model has no currency field {self.currency_field!r} "
                            f"(set currency_field=...)")

    def convert_to_cache(self, value, record, validate=True):
        number = Float.convert_to_cache(self, value, record, validate=False)
        if validate and number and record._ids and self.currency_field in record._fields:
            # records with several currencies are rounded group by group (see write)
            currency = record.mapped(self.currency_field)
            rounding = currency.rounding if len(currency) == 1 else None
            if rounding:
                number = float_round(number, precision_rounding=rounding)
        return number

    def convert_to_cache_for_values(self, value, model, values):
        """The cache value of a new record created with ``values`` (its currency is among them)."""
        name = self.currency_field
        if name in values:
            dummy = model.new({name: values[name]})
        elif model._fields[name].related and model._fields[name].related[0] in values:
            link = model._fields[name].related[0]
            dummy = model.new({link: values[link]})
        else:
            dummy = model.browse()
        return self.convert_to_cache(value, dummy)

    def write(self, records, value):
        if len(records._ids) <= 1 or self.currency_field not in records._fields:
            return super().write(records, value)
        groups = {}
        for record in records:
            groups.setdefault(record[self.currency_field].id, []).append(record._ids[0])
        for ids in groups.values():
            super().write(records.browse(tuple(ids)), value)
        return records

    def get_description(self, env):
        desc = super().get_description(env)
        desc["currency_field"] = self.currency_field
        return desc


class Boolean(Field):
    """A flag: ``BOOL``; an empty value reads as False."""

    type = "boolean"
    column_type = ("bool", "BOOL")

    def convert_to_cache(self, value, record, validate=True):
        return bool(value)

    def convert_to_record(self, value, record):
        return bool(value)

    def convert_to_read(self, value, record, use_display_name=True):
        return bool(value)

    def convert_to_export(self, value, record):
        return bool(value)
