"""Property-based attacks on the search family over RPC (security.md "Test for §2" and "Test for §3").

A non-admin user, created over RPC for this module, sees ``test.orm.secret`` and
``test.orm.all.types`` only through a record rule ``[('user_id', '=', user.id)]`` of a group of
its own, and may not read ``test.orm.secret.code`` (``groups="base.group_system"``). Hypothesis
builds domains, ``order`` strings and ``read_group`` specs from the grammar (paths into related
models, every operator, values of every JSON type, ``'&'``/``'|'``/``'!'``, ``any``) plus mutations
(unknown fields, quotes, semicolons, SQL comments, unicode, NUL, huge numbers, NaN, deep nesting,
wrong arities, non-list domains) and sends them to the real server as that user:

* the reply is a result or an error named ValidationError, AccessError, UserError or MissingError,
  never a server error nor a traceback (JSON-RPC and XML-RPC, raw bodies);
* what comes back is exactly what the superuser finds for ``domain AND rule`` (computed in this
  process on the same database); a query naming the hidden field never returns anything, and an
  otherwise valid one is refused with AccessError;
* input refused with ValidationError runs no SQL: checked in-process on a real cursor, with the
  access caches emptied first, by the statement counter ``cr.sql_count``.

Examples are derandomized, so CI sees the same inputs on every run.
"""
import json
import math
import sys
import urllib.error
import urllib.request
import uuid
import xmlrpc.client
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rpc"))

from conftest import RPC_ADMIN_PASSWORD, make_env  # noqa: E402
from rpc_clients import XmlRpc  # noqa: E402

from bureau.exceptions import AccessError, MissingError, UserError, ValidationError  # noqa: E402
from bureau.orm.domain.parse import AND  # noqa: E402
from bureau.orm.environment import Environment  # noqa: E402
from bureau.orm.public_methods import public_method  # noqa: E402
from bureau.service.arguments import check_call, check_signature  # noqa: E402
from bureau.service.model import wire_value  # noqa: E402

SECRET = "test.orm.secret"
ALL = "test.orm.all.types"
USER_PASSWORD = "rpc-properties-pw-1"
LIMIT_RECORDS = 10_000  # the server's default ``limit_records``

#: the only names an error may carry (rpc.md §4); anything else is a server error
ALLOWED_ERRORS = {f"odoo.exceptions.{name}" for name in ("ValidationError", "AccessError", "UserError",
                                                         "MissingError")}
#: XML-RPC /2 fault codes of those errors: 2 (ValidationError, UserError, MissingError), 4 (AccessError)
ALLOWED_FAULTS = {2, 4}


def profile(examples):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


# -- the grammar ---------------------------------------------------------------------------------
#: searchable paths per model and the kind of value they hold
FIELDS = {
    SECRET: {
        "id": "id", "name": "char", "code": "char", "user_id": "m2o", "company_id": "m2o",
        "create_uid": "m2o", "write_uid": "m2o", "create_date": "datetime", "write_date": "datetime",
        "display_name": "char", "user_id.login": "char", "user_id.name": "char", "user_id.active": "bool",
        "user_id.share": "bool", "user_id.partner_id.city": "char", "user_id.company_id.name": "char",
        "user_id.groups_id": "x2m", "user_id.groups_id.name": "char", "user_id.company_ids": "x2m",
        "company_id.name": "char", "company_id.partner_id": "m2o", "company_id.sequence": "int",
    },
    ALL: {
        "id": "id", "name": "char", "char_sized": "char", "char_translate": "char", "text": "char",
        "html": "char", "integer": "int", "float_plain": "float", "float_digits": "float", "amount": "float",
        "boolean": "bool", "date": "date", "datetime": "datetime", "selection": "selection",
        "selection_int": "int", "selection_dynamic": "selection", "reference": "char", "binary": "binary",
        "binary_db": "binary", "json": "json", "json_data": "json", "partner_id": "m2o", "currency_id": "m2o",
        "user_id": "m2o", "line_ids": "x2m", "tag_ids": "x2m", "active": "bool", "partner_name": "char",
        "partner_city": "char", "name_upper": "char", "text_translate": "char", "note": "char",
        "partner_id.name": "char", "partner_id.city": "char", "tag_ids.name": "char", "tag_ids.color": "int",
        "tag_ids.parent_id": "m2o", "line_ids.name": "char", "line_ids.sequence": "int",
        "line_ids.active": "bool", "currency_id.name": "char", "user_id.login": "char",
    },
}
#: fields of the comodels reached by ``any`` (relational path -> its comodel's fields)
COMODEL_FIELDS = {
    "res.users": {"login": "char", "name": "char", "active": "bool", "company_id": "m2o", "groups_id": "x2m"},
    "res.company": {"name": "char", "sequence": "int", "partner_id": "m2o"},
    "res.partner": {"name": "char", "city": "char", "parent_id": "m2o", "active": "bool"},
    "res.groups": {"name": "char", "share": "bool", "users": "x2m"},
    "res.currency": {"name": "char", "active": "bool"},
    "test.orm.tag": {"name": "char", "color": "int", "parent_id": "m2o", "child_ids": "x2m"},
    "test.orm.line": {"name": "char", "sequence": "int", "active": "bool"},
}
COMODELS = {"user_id": "res.users", "create_uid": "res.users", "write_uid": "res.users",
            "company_id": "res.company", "partner_id": "res.partner", "currency_id": "res.currency",
            "groups_id": "res.groups", "company_ids": "res.company", "tag_ids": "test.orm.tag",
            "line_ids": "test.orm.line", "parent_id": None, "child_ids": None, "users": "res.users"}
#: fields a non-admin may not read, per model
HIDDEN = {SECRET: {"code"}, ALL: set()}
#: sortable and groupable fields per model (hidden ones included, to be refused)
ORDERABLE = {
    SECRET: ["id", "name", "code", "user_id", "company_id", "create_date", "write_date", "create_uid"],
    ALL: ["id", "name", "integer", "float_plain", "amount", "boolean", "date", "datetime", "selection",
          "selection_int", "partner_id", "user_id", "char_translate", "currency_id", "active", "note"],
}
NUMERIC = {ALL: ["integer", "float_plain", "float_digits", "amount"], SECRET: []}
DATES = {SECRET: ["create_date", "write_date"], ALL: ["date", "datetime"]}

OPERATORS = ["=", "!=", "<>", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like", "ilike",
             "not ilike", "in", "not in", "child_of", "parent_of", "any", "not any", "IN", "Not Like", " = "]
JUNK_OPERATORS = ["==", "~", "similar to", "; select 1", "=--", "/**/=", "ⅈn", "in\x00", "", "is", "ANY ",
                  "like%", "between"]
JUNK_NAMES = ["nope", "name;--", "name'", 'name"', "name/*", "name)", "na me", "user_id..login", ".name",
              "name.", "user_id.nope", "é", "name\x00", "", "id.id", "name.name", "user_id.login.x",
              "__proto__", "1name", "NAME", "name -- x", "user_id.password", "user_id.groups_id.users.login",
              "ǅ", "name\u202e", "create_uid.create_uid.create_uid.create_uid.create_uid.create_uid."
              "create_uid.create_uid.create_uid.create_uid.create_uid.login", "create_uid." * 300 + "login"]
TEXTS = ["", "a", "Alpha", "O'Brien", 'say "hi"', "'; DROP TABLE res_users; --", "x' OR '1'='1", "/* c */",
         "-- c", "%", "_", "\\", "δέλτα", "🦉", "\u202e", "a\x00b", "NULL", "2024-01-01", "1", "-1", "true",
         "9" * 30, "9" * 5000, "x" * 1001, "admin"]
HUGE_INTS = [2 ** 31, 2 ** 63 - 1, 2 ** 63, 2 ** 64 + 1, -(2 ** 63) - 1, 10 ** 40, 10 ** 4000]
FLOATS = [0.5, -1.25, 1e308, 1e-320, math.inf, -math.inf, math.nan]

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 50), st.sampled_from(HUGE_INTS),
                         st.sampled_from(FLOATS), st.floats(allow_nan=True, allow_infinity=True),
                         st.sampled_from(TEXTS), st.text(max_size=8))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["a", "id", "", "__class__"]), inner,
                                                 max_size=2)), max_leaves=8)
ids = st.one_of(st.integers(0, 40), st.sampled_from([False, -1, 2 ** 63, "1", "x", 1.0, 1.5, None]))

VALUES = {
    "id": st.one_of(ids, st.lists(ids, max_size=4)),
    "int": st.one_of(st.integers(-3, 30), st.sampled_from(HUGE_INTS + [False, "4", "x", 2.0, 2.5]),
                     st.lists(st.integers(-3, 30), max_size=3)),
    "float": st.one_of(st.sampled_from(FLOATS + [0, 3, False, "1.5", "nan", "x"]), st.floats(-1e6, 1e6),
                       st.lists(st.floats(-10, 10), max_size=3)),
    "char": st.one_of(st.sampled_from(TEXTS + [False, None, 5]), st.text(max_size=6),
                      st.lists(st.sampled_from(TEXTS[:8]), max_size=3)),
    "bool": st.one_of(st.booleans(), st.sampled_from([None, 0, 1, "True", "false", "maybe", [True]])),
    "date": st.one_of(st.sampled_from(["2024-01-31", "2024-02-30", "0001-01-01", "9999-12-31", "2024-1-1",
                                       "2024-01-01 10:00:00", "yesterday", False, 20240101, "99999-01-01"]),
                      st.dates().map(str)),
    "datetime": st.one_of(st.sampled_from(["2024-01-31 10:00:00", "2024-01-31", "2024-01-31T10:00:00",
                                           "2024-13-01 00:00:00", "2024-01-01 25:00:00", False, 0,
                                           "1970-01-01 00:00:00.123456"]),
                          st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))),
    "selection": st.sampled_from(["draft", "done", "a", "b", "nope", False, 1, ["draft", "done"]]),
    "json": json_values,
    "binary": st.sampled_from([False, None, "", "aGVsbG8=", "not base64", 1]),
}
VALUES["m2o"] = st.one_of(VALUES["id"], st.sampled_from(TEXTS[:6]), st.lists(st.sampled_from(["a", "b"]), max_size=2))
VALUES["x2m"] = VALUES["m2o"]

#: operators that make sense per kind (the others are tried too, less often)
KIND_OPERATORS = {
    "id": ["=", "!=", "in", "not in", "<", ">", "child_of", "parent_of", "=?"],
    "int": ["=", "!=", "<", ">=", "in", "not in", "=?"],
    "float": ["=", "!=", "<=", ">", "in"],
    "char": ["=", "!=", "like", "ilike", "not ilike", "=like", "=ilike", "in", "not in", "<", ">", "=?"],
    "bool": ["=", "!=", "in", "not in"],
    "date": ["=", "<", ">=", "in", "!="],
    "datetime": ["=", "<", ">=", "<=", "!="],
    "selection": ["=", "!=", "in", "not in"],
    "json": ["=", "!="],
    "binary": ["=", "!="],
    "m2o": ["=", "!=", "in", "not in", "ilike", "not ilike", "child_of", "parent_of", "any", "not any"],
    "x2m": ["=", "!=", "in", "not in", "ilike", "any", "not any", "child_of"],
}


def comodel_of(model, path):
    """The comodel a relational path leads to (None when unknown)."""
    last = path.split(".")[-1]
    if last in ("parent_id", "child_ids"):
        return {"tag_ids": "test.orm.tag", "partner_id": "res.partner"}.get(path.split(".")[0], model)
    return COMODELS.get(last)


@st.composite
def leaves(draw, model, fields, depth):
    path = draw(st.sampled_from(sorted(fields)))
    kind = fields[path]
    operator = draw(st.one_of(st.sampled_from(KIND_OPERATORS[kind]), st.sampled_from(OPERATORS)))
    if operator.strip().lower() in ("any", "not any") and kind in ("m2o", "x2m") and depth > 0:
        comodel = comodel_of(model, path)
        if comodel in COMODEL_FIELDS:
            return [path, operator, draw(domains(comodel, COMODEL_FIELDS[comodel], depth - 1))]
    return [path, operator, draw(VALUES[kind])]


def domains(model, fields=None, depth=2):
    """Domains in prefix notation built from the grammar (implicit '&' between top-level trees)."""
    fields = fields or FIELDS[model]
    leaf = leaves(model, fields, depth)
    trees = st.recursive(leaf.map(lambda term: [term]), lambda inner: st.one_of(
        inner.map(lambda t: ["!"] + t),
        st.tuples(st.sampled_from(["&", "|"]), inner, inner).map(lambda t: [t[0]] + t[1] + t[2])),
        max_leaves=5)
    return st.lists(trees, max_size=3).map(lambda parts: [term for part in parts for term in part])


def mutated(draw, domain):
    """``domain`` with one hostile change."""
    junk_term = st.one_of(
        st.sampled_from(["&", "|", "!", "?", "", 1, None, {}, [], True]),
        st.lists(json_scalars, max_size=5),
        st.tuples(st.sampled_from(JUNK_NAMES), st.sampled_from(OPERATORS), json_values).map(list),
        st.tuples(st.sampled_from(["name", "id", "user_id"]), st.one_of(st.sampled_from(JUNK_OPERATORS),
                                                                       json_scalars), json_values).map(list),
        st.tuples(st.sampled_from(["name", "id", "user_id", "create_date"]), st.sampled_from(OPERATORS),
                  json_values).map(list),
        st.text(max_size=6))
    choice = draw(st.integers(0, 9))
    if choice == 0:  # not a list at all
        return draw(st.one_of(json_scalars, st.dictionaries(st.text(max_size=3), json_scalars, max_size=2),
                              st.just("[('id', '=', 1)]")))
    if choice == 1:  # deep nesting of lists
        depth = draw(st.sampled_from([10, 40, 63, 70, 200]))
        value = [["id", "=", 1]]
        for _ in range(depth):
            value = [value]
        return value
    if choice == 2:  # long chains of operators
        count = draw(st.sampled_from([31, 33, 100, 999, 1000, 1001]))
        operator = draw(st.sampled_from(["!", "&", "|"]))
        if operator == "!":
            return ["!"] * count + [["id", "=", 1]]
        return [operator] * (count - 1) + [["id", "!=", n] for n in range(count)]
    if choice == 3:  # deep 'any'
        depth = draw(st.sampled_from([5, 12, 40]))
        value = [["id", "=", 1]]
        for _ in range(depth):
            value = [["create_uid", "any", value]]
        return value
    position = draw(st.integers(0, len(domain)))
    return domain[:position] + [draw(junk_term)] + domain[position:]


@st.composite
def hostile_domains(draw, model):
    domain = draw(domains(model))
    return mutated(draw, domain) if draw(st.booleans()) else domain


def order_strings(model, hostile=True):
    term = st.tuples(st.sampled_from(ORDERABLE[model] + ["user_id.name", "partner_id.name"]),
                     st.sampled_from(["", " asc", " DESC", " desc"]),
                     st.sampled_from(["", " nulls first", " NULLS LAST"])).map("".join)
    valid = st.lists(term, min_size=1, max_size=3).map(", ".join)
    if not hostile:
        return valid
    junk = st.sampled_from(["id; DROP TABLE res_users", "name -- x", "name/**/", "(select 1)", "name::text",
                            "lower(name)", "id desc limit 1", "name collate \"C\"", ",", "name,,id", "1",
                            "name desc desc", "\x00", "naмe", "id" + " " * 2000, "name:sum", "user_id.nope",
                            "name nulls", "'name'", '"name"'])
    return st.one_of(valid, junk, st.text(max_size=12), st.sampled_from([None, False, 5, [], ["name"], True]))


def groupby_specs(model, hostile=True):
    plain = st.sampled_from(ORDERABLE[model])
    dated = st.tuples(st.sampled_from(DATES[model]),
                      st.sampled_from(["day", "week", "month", "quarter", "year", "hour"])).map(":".join)
    spec = st.one_of(plain, dated)
    if hostile:
        spec = st.one_of(spec, st.sampled_from(["name:day", "date:century", "nope", "name desc", "name;",
                                                "user_id.name", "line_ids", "tag_ids", "name_upper", "json",
                                                "binary", "", " name", "date:", ":month", "__count"]),
                         st.text(max_size=6))
    return spec


def aggregate_specs(model, hostile=True):
    field = st.sampled_from(ORDERABLE[model] + NUMERIC[model])
    func = st.sampled_from(["sum", "avg", "min", "max", "count", "count_distinct", "bool_and", "bool_or",
                            "array_agg"])
    alias = st.sampled_from(["total", "x", "n", "name", "id", "__count", "__group_0", "user_id"])
    spec = st.one_of(field, st.tuples(field, func).map(":".join),
                     st.tuples(alias, func, field).map(lambda t: f"{t[0]}:{t[1]}({t[2]})"),
                     st.just("__count"))
    if hostile:
        spec = st.one_of(spec, st.sampled_from(["name:sum", "id:stddev", "x:sum(id) --", "x:sum(id));",
                                                "x:pg_sleep(id)", "x:sum(nope)", "name:lower", "X:count(id)",
                                                "id:sum:sum", "(id)", "x:count(*)", "code:count"]),
                         st.text(max_size=6))
    return spec


@st.composite
def read_group_calls(draw, model, hostile=True):
    groupby = draw(st.lists(groupby_specs(model, hostile), max_size=2))
    fields = draw(st.lists(aggregate_specs(model, hostile), max_size=3))
    keys = [g for g in groupby if isinstance(g, str)] + ["__count"] + [
        f.split(":")[0] for f in fields if isinstance(f, str) and "(" in f]
    term = st.tuples(st.sampled_from(keys), st.sampled_from(["", " asc", " desc"]),
                     st.sampled_from(["", " nulls last"])).map("".join)
    orderby = draw(st.one_of(st.just(False), st.lists(term, min_size=1, max_size=2).map(", ".join),
                             order_strings(model) if hostile else st.just(False)))
    kwargs = {"orderby": orderby, "lazy": draw(st.booleans())}
    if draw(st.booleans()):
        kwargs["limit"] = draw(st.integers(1, 5))
        kwargs["offset"] = draw(st.integers(0, 3))
    if hostile and draw(st.integers(0, 5)) == 0:
        groupby = draw(st.one_of(json_scalars, st.dictionaries(st.text(max_size=3), json_scalars, max_size=2)))
    if hostile and draw(st.integers(0, 5)) == 0:
        fields = draw(st.one_of(json_scalars, st.lists(json_scalars, max_size=3)))
    domain = draw(hostile_domains(model) if hostile else domains(model))
    return "read_group", [domain, fields, groupby], kwargs


paging = st.fixed_dictionaries({}, optional={
    "limit": st.one_of(st.integers(0, 5), st.sampled_from([None, False, 10_001, 2 ** 63, 2 ** 70, -1, "5",
                                                           1.5, True])),
    "offset": st.one_of(st.integers(0, 4), st.sampled_from([None, False, 2 ** 63 - 1, 2 ** 63, 2 ** 70, -3,
                                                            "1", 0.0, True]))})


@st.composite
def hostile_calls(draw, model):
    """A call of the search family with hostile arguments: ``(method, args, kwargs)``."""
    method = draw(st.sampled_from(["search", "search_read", "search_count", "read_group", "name_search"]))
    if method == "read_group":
        method, args, kwargs = draw(read_group_calls(model))
    elif method == "name_search":
        name = draw(st.one_of(st.sampled_from(TEXTS), json_scalars))
        operator = draw(st.one_of(st.sampled_from(OPERATORS + JUNK_OPERATORS), json_scalars))
        args = [name]
        kwargs = {"domain": draw(hostile_domains(model)), "operator": operator}
        kwargs.update({k: v for k, v in draw(paging).items() if k == "limit"})
    else:
        args = [draw(hostile_domains(model))]
        kwargs = draw(paging)
        if method == "search_count":
            kwargs.pop("offset", None)
        else:
            kwargs["order"] = draw(order_strings(model))
        if method == "search_read":
            kwargs["fields"] = draw(st.one_of(
                st.lists(st.sampled_from(["id", "name", "user_id", "nope", "user_id.login", "code", None]),
                         max_size=3), json_scalars))
    arity = draw(st.integers(0, 11))
    if arity == 0:  # one positional argument too many
        args = args + [None] * 8
    elif arity == 1:  # a keyword no method knows
        kwargs = dict(kwargs, **{draw(st.sampled_from(["bogus", "domain\x00", "__class__", "self"])): 1})
    elif arity == 2:  # no arguments at all
        args, kwargs = [], {}
    return method, args, kwargs


def mentions_hidden(model, method, args, kwargs):
    """Whether the call names a hidden field of ``model``: a domain path (outside ``any``), an order
    or orderby term, a field to read, a groupby or an aggregate."""
    hidden = HIDDEN[model]
    names = set()
    domain = kwargs.get("domain") if method == "name_search" else (args[0] if args else None)
    for term in domain if isinstance(domain, list) else []:
        if isinstance(term, list) and len(term) == 3 and isinstance(term[0], str):
            names.add(term[0].split(".")[0])
    for key in ("order", "orderby"):
        if isinstance(kwargs.get(key), str):
            names.update(term.split()[0] for term in kwargs[key].split(",") if term.split())
    specs = []
    if method == "search_read":
        fields = kwargs.get("fields")
        specs = [fields] if isinstance(fields, str) else list(fields) if isinstance(fields, list) else []
    if method == "read_group":
        # lazy: only the first groupby is used (the others go to each group's __context)
        fields = args[1] if len(args) > 1 and isinstance(args[1], list) else []
        groupby = args[2] if len(args) > 2 and isinstance(args[2], list) else []
        specs = fields + (groupby[:1] if kwargs.get("lazy", True) else groupby)
    for spec in specs:
        if isinstance(spec, str):
            names.add(spec.split("(")[-1].rstrip(")") if "(" in spec else spec.split(":")[0])
    return bool(names & hidden)


# -- wire helpers --------------------------------------------------------------------------------
def post(url, body, content_type):
    """``(status, body bytes)`` of a raw POST (HTTP errors are returned, not raised)."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def json_call(world, model, method, args, kwargs, uid=None, password=None):
    """The decoded reply of ``execute_kw`` on /jsonrpc; NaN and infinities go out as JSON5-style
    literals (Python's parser reads them), integers of any size as digits."""
    params = {"service": "object", "method": "execute_kw",
              "args": [world.db, uid or world.uid, password or USER_PASSWORD, model, method, args, kwargs]}
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 7}, default=repr)
    status, raw = post(f"{world.url}/jsonrpc", body.encode(), "application/json")
    assert status == 200, f"HTTP {status} for {method}{args!r:.300} {kwargs!r:.200}: {raw[:500]!r}"
    reply = json.loads(raw)
    assert reply.get("id") == 7 or reply.get("id") is None and "error" in reply  # None: not decoded
    return reply


def check_json_reply(reply, what):
    """The reply is a result or an allowed error, with no internal detail; returns the error name."""
    assert b"Traceback" not in json.dumps(reply).encode(), what
    if "result" in reply:
        return None
    data = reply["error"]["data"]
    assert data["name"] in ALLOWED_ERRORS, f"server error {data['name']}: {data['message'][:300]} for {what}"
    assert data["debug"] == f"{data['name']}: {data['message']}", what
    for leak in ('File "', "psycopg2", "LINE 1:", "/work/", "site-packages"):
        assert leak not in data["message"], f"internal detail in {data['message'][:300]!r} for {what}"
    return data["name"].rsplit(".", 1)[1]


# -- the world -----------------------------------------------------------------------------------
class World:
    """Everything the properties need: server URL, database, the user and an in-process oracle."""

    def __init__(self, url, db, admin, uid, group_id, rule_ids, record_ids, env):
        self.url, self.db, self.admin = url, db, admin
        self.uid, self.group_id, self.rule_ids, self.record_ids = uid, group_id, rule_ids, record_ids
        self.env = env  # superuser, on the same database as the server

    def expected(self, model, method, args, kwargs):
        """What the superuser gets for the call with the rule's domain ANDed (after the same
        argument checks as the server): ``('ok', result)`` or ``('error', exception class name)``."""
        env = self.env
        env.cr.rollback()
        try:
            args, kwargs = check_call(method, list(args), dict(kwargs), LIMIT_RECORDS)
            rule = [("user_id", "=", self.uid)]
            records = env[model]
            if method == "name_search":
                kwargs = dict(kwargs)
                kwargs["domain"] = AND([list(kwargs.get("domain") or []), rule])
                result = records.name_search(*args, **kwargs)
            else:
                args = [AND([list(args[0] or []), rule])] + list(args[1:])
                result = getattr(records, method)(*args, **kwargs)
        except (ValidationError, AccessError, UserError) as exc:
            return "error", _error_name(exc)
        finally:
            env.cr.rollback()
        return "ok", json.loads(json.dumps(wire_value(result), default=str))


def _error_name(exc):
    for cls in (ValidationError, AccessError, MissingError, UserError):
        if isinstance(exc, cls):
            return cls.__name__
    return type(exc).__name__


@pytest.fixture(scope="module")
def world(live_server, rpc_db, pg):
    common = xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common")
    admin = XmlRpc(live_server.url, rpc_db, common.login(rpc_db, "admin", RPC_ADMIN_PASSWORD),
                   RPC_ADMIN_PASSWORD)
    tag = uuid.uuid4().hex[:8]
    ref = lambda xml_id: admin.execute("ir.model.data", "check_object_reference", *xml_id.split("."))[1]  # noqa: E731
    group_id = admin("res.groups", "create", {"name": f"Property testers {tag}"})
    uid = admin("res.users", "create", {"name": f"Prop {tag}", "login": f"prop-{tag}", "password": USER_PASSWORD,
                                        "groups_id": [(6, 0, [ref("base.group_user"), group_id])]})
    rule_ids = []
    for model in (SECRET, ALL):
        model_id = admin("ir.model", "search", [("model", "=", model)])[0]
        # a rule of the user's own group: other tests' users are not affected
        rule_ids.append(admin("ir.rule", "create", {
            "name": f"own {model} {tag}", "model_id": model_id, "groups": [(6, 0, [group_id])],
            "domain_force": "[('user_id', '=', user.id)]"}))
    # no other read rule may apply to this user on these models or those their paths reach: the
    # oracle (superuser + the rule above) would be wrong
    user_groups = set(admin("res.users", "read", [uid], ["groups_id"])[0]["groups_id"])
    others = admin("ir.rule", "search_read", [("model_id.model", "in", [SECRET, ALL, *COMODEL_FIELDS]),
                                              ("id", "not in", rule_ids), ("perm_read", "=", True)],
                   fields=["name", "groups"])
    assert all(rule["groups"] and not user_groups & set(rule["groups"]) for rule in others), others
    partner = admin("res.partner", "search", [], limit=1)[0]
    tags = [admin("test.orm.tag", "create", {"name": f"t{tag}{n}"}) for n in range(2)]
    record_ids = {SECRET: [], ALL: []}
    names = ["alpha", "Beta'; DROP TABLE x; --", "gamma%_", "δέλτα", False, "O'Brien", "admin"]
    for index, name in enumerate(names):
        owner = uid if index % 2 == 0 else admin.uid
        record_ids[SECRET].append(admin(SECRET, "create", {"name": name, "code": f"C{index}", "user_id": owner}))
        record_ids[ALL].append(admin(ALL, "create", {
            "name": name, "user_id": owner, "integer": index * 7 - 10, "float_plain": index / 3,
            "boolean": index % 3 == 0, "date": f"2024-0{index + 1}-1{index}", "selection": "draft" if index % 2 else
            "done", "partner_id": partner if index % 3 else False, "tag_ids": [(6, 0, tags[: index % 3])],
            "line_ids": [(0, 0, {"name": f"line {index}", "sequence": index})], "note": name,
            "datetime": f"2024-03-0{index + 1} 1{index}:30:00", "json": {"n": index}}))
    env = make_env(pg, rpc_db)
    yield World(live_server.url, rpc_db, admin, uid, group_id, rule_ids, record_ids, env)
    env.cr.rollback()
    env.cr.close()
    admin("ir.rule", "unlink", rule_ids)
    admin("res.users", "write", [uid], {"active": False})
    admin(ALL, "unlink", record_ids[ALL])
    with pg.cursor(rpc_db) as cr:  # users may not delete secrets (no unlink right): clean up as the superuser
        cr.execute("DELETE FROM test_orm_secret WHERE id IN %s", [tuple(record_ids[SECRET])])
        cr.commit()


# -- properties over the wire --------------------------------------------------------------------
def test_world_is_as_intended(world):
    """Preconditions: the user sees only own records and cannot read the hidden field."""
    reply = json_call(world, SECRET, "search_read", [[]], {"fields": ["name", "user_id"]})
    assert {row["user_id"][0] for row in reply["result"]} == {world.uid}
    assert {row["id"] for row in reply["result"]} >= set(world.record_ids[SECRET][::2])
    assert not set(world.record_ids[SECRET][1::2]) & {row["id"] for row in reply["result"]}
    refused = json_call(world, SECRET, "search_read", [[]], {"fields": ["code"]})
    assert check_json_reply(refused, "read code") == "AccessError"
    refused = json_call(world, SECRET, "search", [[("code", "=", "C0")]], {})
    assert check_json_reply(refused, "search code") == "AccessError"


@pytest.mark.parametrize("model", [SECRET, ALL])
@profile(80)
@given(data=st.data())
def test_hostile_calls_get_a_result_or_a_business_error(world, model, data):
    """Whatever the arguments, JSON-RPC answers HTTP 200 with a result or a business error."""
    method, args, kwargs = data.draw(hostile_calls(model))
    reply = json_call(world, model, method, args, kwargs)
    check_json_reply(reply, f"{model}.{method}{args!r:.400} {kwargs!r:.300}")


@st.composite
def search_calls(draw, model):
    method = draw(st.sampled_from(["search", "search_read", "search_count", "name_search"]))
    domain = draw(domains(model))
    if method == "name_search":
        kwargs = {"domain": domain, "operator": draw(st.sampled_from(["ilike", "=", "not ilike", "like", "!="])),
                  "limit": draw(st.sampled_from([None, 2, 100]))}
        return method, [draw(st.sampled_from(["", "a", "Alpha", "%", "o'b", "δ"]))], kwargs
    kwargs = {}
    if method != "search_count":
        kwargs["order"] = draw(st.one_of(st.none(), order_strings(model, hostile=False)))
        if draw(st.booleans()):
            kwargs.update(limit=draw(st.integers(1, 4)), offset=draw(st.integers(0, 3)))
    if method == "search_read":
        kwargs["fields"] = ["name", "user_id"] + (["code"] if model == SECRET and draw(st.booleans()) else [])
    return method, [domain], kwargs


def _same(outcome, reply, model, method, args, kwargs):
    """The user's reply equals the oracle's outcome (results compared as data)."""
    call = f"{model}.{method}{args!r} {kwargs!r}"
    kind, value = outcome
    error = check_json_reply(reply, call)
    if error is None:
        assert kind == "ok", f"the user got a result where the superuser got {value}: {call}"
        assert _normal(reply["result"]) == _normal(value), call
    else:
        assert error in ("ValidationError", "AccessError"), call
        if error == "AccessError":
            assert mentions_hidden(model, method, args, kwargs), f"AccessError without a hidden field: {call}: " \
                                                 f"{reply['error']['data']['message']}"
        else:
            assert (kind, value) == ("error", "ValidationError"), f"only the user was refused: {call}"


def _normal(value):
    """Results as comparable data: a group's ``__domain`` holds the rule's domain on one side only."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if k != "__domain"}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


@pytest.mark.parametrize("model", [SECRET, ALL])
@profile(60)
@given(data=st.data())
def test_user_sees_exactly_sudo_and_rule(world, model, data):
    """Valid queries return what the superuser finds for ``domain AND rule``; the hidden field in a
    domain, order or field list never lets anything through and is refused with AccessError."""
    method, args, kwargs = data.draw(search_calls(model))
    call = f"{model}.{method}{args!r} {kwargs!r}"
    reply = json_call(world, model, method, args, kwargs)
    outcome = world.expected(model, method, args, kwargs)
    if mentions_hidden(model, method, args, kwargs):
        name = check_json_reply(reply, call)
        assert name in ("AccessError", "ValidationError"), f"hidden field let through: {call}: {reply}"
        if outcome[0] == "ok":
            assert name == "AccessError", call
        return
    _same(outcome, reply, model, method, args, kwargs)


@pytest.mark.parametrize("model", [SECRET, ALL])
@profile(50)
@given(data=st.data())
def test_read_group_sees_exactly_sudo_and_rule(world, model, data):
    """Groups, counts and aggregates equal the superuser's for ``domain AND rule``."""
    method, args, kwargs = data.draw(read_group_calls(model, hostile=False))
    call = f"{model}.{method}{args!r} {kwargs!r}"
    reply = json_call(world, model, method, args, kwargs)
    outcome = world.expected(model, method, args, kwargs)
    if mentions_hidden(model, method, args, kwargs):
        name = check_json_reply(reply, call)
        assert name in ("AccessError", "ValidationError"), f"hidden field let through: {call}: {reply}"
        if outcome[0] == "ok":
            assert name == "AccessError", call
        return
    if outcome[0] == "ok":
        outcome = ("ok", [_sorted_aggregates(group) for group in outcome[1]])
    if "result" in reply:
        reply = {"result": [_sorted_aggregates(group) for group in reply["result"]]}
    _same(outcome, reply, model, method, args, kwargs)


def _sorted_aggregates(group):
    """``array_agg`` has no order within a group: compare its values sorted."""
    return {k: sorted(v, key=repr) if isinstance(v, list) and k not in ("__domain",) and
            not (len(v) == 2 and isinstance(v[1], str)) else v for k, v in group.items()}


# -- XML-RPC: values JSON cannot carry -----------------------------------------------------------
XML_SCALARS = ["<double>nan</double>", "<double>-inf</double>", "<double>inf</double>", "<double>1e400</double>",
               "<int>9223372036854775808</int>", "<i8>-9223372036854775809</i8>", "<int>" + "9" * 5000 + "</int>",
               "<int>99999999999999999999</int>", "<nil/>", "<base64>AAE=</base64>", "<boolean>1</boolean>",
               "<dateTime.iso8601>20240101T10:00:00</dateTime.iso8601>", "<string>a\x01b</string>",
               "<string>&#0;</string>", "<string>caf\u00e9</string>", "<struct></struct>", "<array><data/></array>",
               "<double>0.5</double>", "<int>3</int>", "<string>name desc</string>", "<i4>-1</i4>"]


NON_FINITE = ("<double>nan</double>", "<double>-inf</double>", "<double>inf</double>", "<double>1e400</double>")


def _xml_call(world, model, method, args_xml, kwargs_xml=""):
    body = ("<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params>"
            f"<param><value><string>{world.db}</string></value></param>"
            f"<param><value><int>{world.uid}</int></value></param>"
            f"<param><value><string>{USER_PASSWORD}</string></value></param>"
            f"<param><value><string>{model}</string></value></param>"
            f"<param><value><string>{method}</string></value></param>"
            f"<param><value><array><data>{args_xml}</data></array></value></param>"
            f"<param><value><struct>{kwargs_xml}</struct></value></param>"
            "</params></methodCall>")
    status, raw = post(f"{world.url}/xmlrpc/2/object", body.encode(), "text/xml")
    assert status == 200, f"HTTP {status}: {raw[:300]!r}"
    try:
        return "ok", xmlrpc.client.loads(raw, use_builtin_types=True)[0][0]
    except xmlrpc.client.Fault as fault:
        return "fault", fault


def _value(xml):
    return f"<value>{xml}</value>"


def _leaf(field, operator, value_xml):
    return _value(f"<array><data>{_value(f'<string>{field}</string>')}{_value(f'<string>{operator}</string>')}"
                  f"{_value(value_xml)}</data></array>")


@profile(60)
@given(scalar=st.sampled_from(XML_SCALARS),
       where=st.sampled_from(["value", "in", "limit", "offset", "order", "name", "domain", "groupby", "fields"]),
       field=st.sampled_from(["id", "float_plain", "integer", "user_id", "name", "date", "json", "boolean",
                              "tag_ids", "amount"]),
       operator=st.sampled_from(["=", "<", "in", "!=", "like", "child_of"]))
def test_xmlrpc_values_json_cannot_carry_are_refused_or_answered(world, scalar, where, field, operator):
    """NaN, infinities, integers past 64 bits, nil, binary and dates, in every position: a result
    or fault 2/4 (never fault 1, which carries server errors); NaN and infinities are refused
    wherever they are (VAL-5)."""
    empty = _value("<array><data/></array>")
    method = "read_group" if where in ("groupby", "fields") else ("name_search" if where == "name" else "search")
    kwargs = ""
    if where in ("value", "in"):
        value = scalar if where == "value" else f"<array><data>{_value(scalar)}</data></array>"
        args = _value(f"<array><data>{_leaf(field, operator, value)}</data></array>")
    elif where == "domain":
        args = _value(scalar)
    elif where == "name":
        args = _value(scalar)
    elif where == "groupby":
        args = empty + _value(f"<array><data>{_value('<string>id:count</string>')}</data></array>") + _value(scalar)
    elif where == "fields":
        args = empty + _value(scalar) + _value(f"<array><data>{_value('<string>name</string>')}</data></array>")
    else:
        args = empty
        kwargs = f"<member><name>{where}</name>{_value(scalar)}</member>"
    kind, result = _xml_call(world, ALL, method, args, kwargs)
    if kind == "fault":
        assert result.faultCode in ALLOWED_FAULTS, f"{method} {where}={scalar}: {result.faultString[:400]}"
        assert "Traceback" not in result.faultString and "psycopg2" not in result.faultString
    if scalar in NON_FINITE:
        # security.md VAL-5: numbers must be finite, wherever they are
        assert kind == "fault" and result.faultCode == 2, f"{where}: {field} {operator} {scalar} accepted: {result}"


@pytest.mark.parametrize("number", ["nan", "-inf", "1e400"])
def test_non_finite_numbers_are_refused_before_any_method(world, number):
    """VAL-5 holds for writes too: the codecs refuse NaN and infinities (JSON's ``NaN``,
    ``Infinity`` and ``1e400`` as Python reads them, XML-RPC's ``<double>``)."""
    record = world.record_ids[ALL][0]
    kind, result = _xml_call(world, ALL, "write", _value(f"<array><data>{_value(f'<int>{record}</int>')}</data></array>")
                             + _value(f"<struct><member><name>float_plain</name>{_value(f'<double>{number}</double>')}"
                                      "</member></struct>"))
    assert kind == "fault" and result.faultCode == 2 and "finite" in result.faultString, result
    literal = {"nan": "NaN", "-inf": "-Infinity", "1e400": "1e400"}[number]
    body = ('{"jsonrpc": "2.0", "method": "call", "id": 3, "params": {"service": "object", "method": "execute_kw", '
            f'"args": ["{world.db}", {world.uid}, "{USER_PASSWORD}", "{ALL}", "write", [[{record}], '
            f'{{"float_plain": {literal}}}]]}}}}')
    status, raw = post(f"{world.url}/jsonrpc", body.encode(), "application/json")
    reply = json.loads(raw)
    assert status == 200 and check_json_reply(reply, body) == "ValidationError", reply
    assert world.admin(ALL, "read", [record], ["float_plain"])[0]["float_plain"] == 0.0


# -- in-process: rejected input runs no SQL ------------------------------------------------------
@pytest.fixture(scope="module")
def user_cursor(world, pg):
    cr = pg.cursor(world.db)
    yield cr
    cr.rollback()
    cr.close()


def run_in_process(cr, uid, model, method, args, kwargs):
    """``check_call`` plus the ORM method as the user, on emptied access caches: ``(outcome,
    statements)`` where outcome is the result or the exception."""
    cr.rollback()
    env = Environment(cr, uid, {})
    env.registry.access_cache.clear()
    before = cr.sql_count
    try:
        # what service.model.call_kw does before calling the method
        args, kwargs = check_call(method, list(args), dict(kwargs), LIMIT_RECORDS)
        records = env[model]
        check_signature(method, public_method(records, method), args, kwargs)
        outcome = getattr(records, method)(*args, **kwargs)
    except (ValidationError, AccessError, UserError, MissingError) as exc:
        outcome = exc
    return outcome, cr.sql_count - before


@pytest.mark.parametrize("model", [SECRET, ALL])
@profile(300)
@given(data=st.data())
def test_refused_input_runs_no_sql(world, user_cursor, model, data):
    """Every call refused with ValidationError executes no statement: syntax, field paths, operators,
    values, order and read_group specs are checked before access rights, rules or data are read."""
    method, args, kwargs = data.draw(hostile_calls(model))
    outcome, statements = run_in_process(user_cursor, world.uid, model, method, args, kwargs)
    if isinstance(outcome, ValidationError):
        assert statements == 0, f"{statements} statements before refusing {model}.{method}{args!r:.300} " \
                                f"{kwargs!r:.300}: {outcome}"


# -- the inputs that failed before, by name ------------------------------------------------------
REGRESSIONS = [
    # (model, method, args, kwargs, expected error or None for a result)
    (SECRET, "search", [["|"] * 999 + [["id", "=", n] for n in range(1, 1001)]], {}, None),
    (SECRET, "search", [["&"] * 999 + [["id", "!=", n] for n in range(1, 1001)]], {}, None),
    (SECRET, "search", [[]], {"offset": 2 ** 70}, "ValidationError"),
    (SECRET, "search_count", [[]], {"limit": 2 ** 63}, "ValidationError"),
    (SECRET, "read_group", [[], ["id:count"], ["user_id"]], {"offset": 2 ** 64}, "ValidationError"),
    (SECRET, "search", [[["id", "child_of", [1, "9" * 5000]]]], {}, "ValidationError"),
    (SECRET, "search", [[["user_id.groups_id", "in", [1, "9" * 5000]]]], {}, "ValidationError"),
    (SECRET, "search", [[]], {"bogus": 1}, "ValidationError"),
    (SECRET, "search", [[], 0, 1, "id", False, 7], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["name:sum"], ["user_id"]], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["create_date:avg"], ["user_id"]], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["id:bool_and"], ["user_id"]], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["company_id:bool_or"], []], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["create_date:sum"], []], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["name"], 5], {}, "ValidationError"),
    (SECRET, "read_group", [[], 5, ["name"]], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["a:count(id)", "a:sum(id)"], ["company_id"]], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["name:count(id)"], ["name"]], {}, "ValidationError"),
    (SECRET, "read_group", [[], ["id:count"], ["code"]], {}, "AccessError"),
    (SECRET, "read_group", [[], ["x:count(code)"], ["name"]], {}, "AccessError"),
    (SECRET, "search", [[]], {"order": "code desc"}, "AccessError"),
    (SECRET, "read_group", [[], ["code"], []], {}, "AccessError"),  # no aggregate: ignored, yet named
    (SECRET, "name_search", [""], {"domain": True}, "ValidationError"),
    (ALL, "read_group", [[], ["id:count"], ["currency_id"]], {}, None),  # res.currency sorts "active desc"
    (SECRET, "search_count", [[["user_id.groups_id", "child_of", "1"]]], {}, "ValidationError"),
    (SECRET, "search", [[["create_uid." * 300 + "login", "=", "x"]]], {}, "ValidationError"),
    (SECRET, "search", [[["name", "=like", "\\"]]], {}, "ValidationError"),  # PostgreSQL: ends with escape
    (SECRET, "search", [[["user_id", "=ilike", "adm\\"]]], {}, "ValidationError"),
    (ALL, "search", [[["float_plain", "=", math.nan]]], {}, "ValidationError"),
    (ALL, "search", [[["float_plain", ">", math.inf]]], {}, "ValidationError"),
    (ALL, "search", [[["amount", "in", [1.0, -math.inf]]]], {}, "ValidationError"),
]


@pytest.mark.parametrize("model,method,args,kwargs,expected", REGRESSIONS,
                         ids=[f"{m}-{i}" for i, (_, m, *_rest) in enumerate(REGRESSIONS)])
def test_inputs_that_were_server_errors(world, user_cursor, model, method, args, kwargs, expected):
    """The failing examples the properties found, kept by name: server errors (RecursionError,
    bigint out of range, the int() digit limit, TypeError, undefined SQL functions), a hidden field
    let through, SQL run before a refusal."""
    reply = json_call(world, model, method, args, kwargs)
    assert check_json_reply(reply, f"{method}{args!r:.200}{kwargs!r:.100}") == expected, reply
    if expected == "ValidationError":
        outcome, statements = run_in_process(user_cursor, world.uid, model, method, args, kwargs)
        assert isinstance(outcome, ValidationError) and statements == 0, (outcome, statements)
