"""XML data files: records, menus, deletions and function calls described in XML (modules.md §8).

A data file of addon ``library``::

    <odoo>
        <data noupdate="1" context="{'tracking_disable': True}">
            <record id="book_dune" model="library.book">
                <field name="name">Dune</field>
                <field name="author_id" ref="author_herbert"/>           <!-- library.author_herbert -->
                <field name="tag_ids" eval="[Command.set([ref('tag_scifi')])]"/>
                <field name="pages" type="int">412</field>
            </record>
        </data>
        <menuitem id="menu_books" parent="menu_root" action="action_books" sequence="20"/>
        <delete model="library.book" search="[('name', '=', 'Obsolete')]"/>
        <function model="library.book" name="_compute_stats" eval="([ref('book_dune')],)"/>
        <template id="book_card"><p>Title: <t t-esc="book.name"/></p></template>    <!-- qweb view -->
    </odoo>

In mode ``init`` (install) every record is created or rewritten. In mode ``update`` (upgrade)
records are rewritten unless their external id is ``noupdate``; elements inside ``noupdate`` data
leave existing records alone and recreate deleted ones (unless ``forcecreate="0"``).

Expressions (``eval``, ``search``, ``context``) go through :func:`bureau.tools.safe_eval.safe_eval`
with the names of :meth:`XmlDataLoader._eval_context`. Each element loads in a savepoint; any
failure raises :class:`ParseError` naming the file, the line and the record id.
"""
import base64
import datetime
import html
import logging
import re
from copy import deepcopy
from pathlib import Path

from dateutil.relativedelta import relativedelta
from lxml import etree

from ..exceptions import UserError
from ..orm.commands import Command
from ..orm.decorators import _API
from ..orm.eval_records import RecordData
from ..tools.safe_eval import safe_eval, time as safe_time
from ..tools.xml import UnsafeXMLError, parse
from .data_files import DeclaredIds, ParseError, display_path, full_xmlid
from .discovery import addon_dir
from .manifest import SERVER_SERIES

_logger = logging.getLogger(__name__)

__all__ = ["ParseError", "XmlDataLoader", "load_xml"]

#: root elements of a data file; ``data`` may also nest inside them
ROOT_TAGS = ("odoo", "openerp", "data")
#: ``%(xmlid)d`` / ``%(xmlid)s`` in inline XML, not preceded by another ``%``
_XMLID_PATTERN = re.compile(r"(?<!%)%\(([^)%]*)\)[ds]")
_FALSE_TEXT = frozenset({"0", "false", "off", ""})


def _bool_attr(element, name, default):
    value = element.get(name)
    if value is None:
        return default
    return value.strip().lower() not in _FALSE_TEXT


class XmlDataLoader:
    """Loads one XML data file of a module into a database.

    :param env: the environment to load with (superuser)
    :param module: the module the file belongs to (namespace of ids without a dot)
    :param path: the file
    :param mode: ``'init'`` (install) or ``'update'`` (upgrade)
    :param noupdate: default ``noupdate`` flag (True for demo files)
    :param loaded: a set receiving every xml id the file loads (for UPG-3), or None
    :param declared: the module's :class:`DeclaredIds` shared by the files of one load, or None
        to scan this file alone
    """

    def __init__(self, env, module, path, mode="init", noupdate=False, loaded=None, declared=None):
        if mode not in ("init", "update"):
            raise ValueError(f"unknown data loading mode {mode!r}")
        self.env = env
        self.module = module
        self.path = Path(path)
        self.mode = mode
        self.noupdate = noupdate
        self.loaded = loaded
        self.shown = display_path(module, path)
        self.declared = declared if declared is not None else DeclaredIds(module).scan([path])
        self.tags = {
            "record": self._tag_record,
            "menuitem": self._tag_menuitem,
            "delete": self._tag_delete,
            "function": self._tag_function,
            "template": self._tag_template,
        }

    # -- driving ---------------------------------------------------------------------------------
    def load(self):
        """Load the file.

        :raises ParseError: naming file, line and record id
        """
        try:
            tree = parse(self.path, source_name=self.shown, remove_comments=True, remove_pis=True)
        except (UnsafeXMLError, OSError) as exc:
            raise ParseError(str(exc), path=self.shown, module=self.module) from None
        root = tree.getroot()
        if root.tag not in ROOT_TAGS:
            raise self._error(root, f"the root element must be <odoo> (or <openerp>, <data>), not <{root.tag}>")
        self._run(root, self._load_container, self.noupdate, self.env)

    def _load_container(self, element, noupdate, env):
        noupdate = _bool_attr(element, "noupdate", noupdate)
        env = self._with_context(element, env)
        for child in element:
            if child.tag == "data":
                self._run(child, self._load_container, noupdate, env)
                continue
            handler = self.tags.get(child.tag)
            if handler is None:
                raise self._error(child, f"unsupported element <{child.tag}>")
            self._run(child, self._in_savepoint, handler, noupdate, env)

    def _in_savepoint(self, element, handler, noupdate, env):
        # flushed inside, so that a failing INSERT/UPDATE is reported on its own element
        with env.cr.savepoint():
            handler(element, noupdate, env)

    def _run(self, element, function, *args):
        """Call ``function(element, *args)``; an error becomes a :class:`ParseError` for ``element``."""
        try:
            return function(element, *args)
        except ParseError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure aborts the load, with its position
            raise self._error(element, exc) from exc

    def _error(self, element, error):
        owner = element if element.get("id") else next(
            (node for node in element.iterancestors() if node.get("id")), None)
        xml_id = None
        if owner is not None:
            try:
                xml_id = full_xmlid(self.module, owner.get("id"))
            except ValueError:
                xml_id = owner.get("id")
        if isinstance(error, (str, ValueError, UserError)):
            text = str(error)
        else:
            text = f"{type(error).__name__}: {error}"
        where = f"{self.shown}, line {element.sourceline}"
        subject = f"<{element.tag}>" + (f" of record {xml_id}" if xml_id else "")
        return ParseError(f"{where}, {subject}: {text}", path=self.shown, line=element.sourceline,
                          xml_id=xml_id, module=self.module)

    # -- xml ids ---------------------------------------------------------------------------------
    def _own_id(self, xml_id):
        """The full id of an element's ``id`` attribute; another module's must be loaded."""
        full = full_xmlid(self.module, xml_id)
        module = full.split(".")[0]
        if module != self.module and module not in self.env.registry.loaded_modules:
            raise ValueError(f"xml id {full!r} belongs to module {module!r}, which is not installed")
        return full

    def _mark(self, full_id):
        self.declared.define(full_id)
        if self.loaded is not None:
            self.loaded.add(full_id)

    def _ref_record(self, xml_id):
        """The record of ``xml_id`` (refused when the module defines it further down)."""
        full = full_xmlid(self.module, xml_id)
        self.declared.check_reference(full)
        return self.env.ref(full)

    def _ref(self, xml_id):
        return self._ref_record(xml_id).id

    # -- expressions -----------------------------------------------------------------------------
    def _eval_context(self, env, model_name=None):
        context = {
            "ref": self._ref,
            "Command": Command,
            "time": safe_time,
            "datetime": datetime.datetime,
            "DateTime": datetime.datetime,
            "timedelta": datetime.timedelta,
            "relativedelta": relativedelta,
            "version": SERVER_SERIES,
        }
        if model_name:
            model = env[model_name]
            context["obj"] = lambda ids=(): RecordData(model.browse(ids))
        return context

    def _eval(self, expression, env, model_name=None):
        return safe_eval(expression, self._eval_context(env, model_name))

    def _with_context(self, element, env):
        """``env`` with the element's ``context`` merged in and its ``uid`` as user."""
        if element.get("context"):
            extra = self._eval(element.get("context"), env)
            if not isinstance(extra, dict):
                raise ValueError(f"context must evaluate to a dict, not {type(extra).__name__}")
            env = env(context={**env.context, **extra})
        if element.get("uid"):
            env = env(user=self._ref(element.get("uid")))
        return env

    # -- <record> --------------------------------------------------------------------------------
    def _tag_record(self, element, noupdate, env):
        model_name = element.get("model")
        if not model_name:
            raise ValueError("missing attribute model")
        if model_name not in env:
            raise ValueError(f"unknown model {model_name!r}")
        xml_id = self._own_id(element.get("id")) if element.get("id") else None
        forcecreate = _bool_attr(element, "forcecreate", True)
        env = self._with_context(element, env)
        model = env[model_name]
        imd = env["ir.model.data"].sudo()

        if xml_id and not xml_id.startswith(self.module + ".") and imd._load_xmlid(xml_id) is None:
            # another module's record must exist, unless forcecreate="1" says to create it
            if not _bool_attr(element, "forcecreate", False):
                if noupdate and not forcecreate:
                    return
                raise ValueError(f"cannot update {xml_id}: no such record (forcecreate=\"1\" creates it)")
        if noupdate and self.mode != "init":
            if not xml_id:
                return
            if imd._load_xmlid(xml_id) is not None:
                # kept as it is, but still part of the module (UPG-3)
                self._mark(xml_id)
                return
            if not forcecreate:
                self.declared.define(xml_id)
                return
        values = self._record_values(element, model, env)
        data = {"xml_id": xml_id, "values": values, "noupdate": noupdate}
        model._load_records([data], update=self.mode == "update")
        if xml_id:
            self._mark(xml_id)

    def _record_values(self, element, model, env):
        values = {}
        for child in element:
            if child.tag != "field":
                raise self._error(child, f"unexpected element <{child.tag}> in <record>")
            name = child.get("name")
            if not name:
                raise self._error(child, "<field> without a name")
            field = model._fields.get(name)
            if field is None:
                raise self._error(child, f"unknown field {name!r} on model {model._name!r}")
            values[name] = self._run(child, self._field_value, model, field, env)
        return values

    def _field_value(self, element, model, field, env):
        if element.get("search"):
            model_name = element.get("model") or getattr(field, "comodel_name", None)
            if not model_name:
                raise ValueError("search= on a non-relational field needs a model= attribute")
            records = env[model_name].search(self._eval(element.get("search"), env, model_name))
            use = element.get("use") or "id"
            if field.type == "many2many":
                return [Command.set([_plain(record[use]) for record in records])]
            return _plain(records[0][use]) if records else False
        if element.get("ref"):
            record = self._ref_record(element.get("ref"))
            if field.type == "reference":
                return f"{record._name},{record.id}"
            return record.id
        value = self._value(element, env, getattr(field, "comodel_name", None))
        return _convert_to_field(field, value, env)

    def _value(self, element, env, model_name=None):
        """The value of a ``<field>`` or ``<value>``: ``eval``, inline XML/HTML, file or typed text."""
        kind = element.get("type", "char")
        if element.get("search") and element.tag == "value":
            model_name = element.get("model") or model_name
            records = env[model_name].search(self._eval(element.get("search"), env, model_name))
            use = element.get("use") or "id"
            return [_plain(record[use]) for record in records]
        if element.get("eval"):
            return self._eval(element.get("eval"), env, model_name)
        if kind == "xml":
            return self._substitute_ids(self._inner_xml(element))
        if kind == "html":
            return self._substitute_ids(self._inner_html(element))
        data = element.text or ""
        if element.get("file"):
            data = self._read_file(element.get("file"))
        if kind == "base64":
            return base64.b64encode(data if isinstance(data, bytes) else data.encode()).decode()
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        if kind == "char":
            return data
        if kind == "int":
            text = data.strip()
            return None if text == "None" else int(text)
        if kind == "float":
            return float(data.strip())
        if kind in ("list", "tuple"):
            items = []
            for child in element:
                if child.tag != "value":
                    raise self._error(child, f"unexpected element <{child.tag}> in a {kind}")
                items.append(self._run(child, self._value, env, model_name))
            return tuple(items) if kind == "tuple" else items
        raise ValueError(f"unknown value type {kind!r} (char, int, float, list, tuple, xml, html, base64)")

    def _inner_xml(self, element):
        children = list(element)
        if not children:
            return (element.text or "").strip()
        if len(children) > 1:
            # several roots: keep them together in one <data> element
            wrapper = etree.Element("data")
            for child in children:
                wrapper.append(deepcopy(child))
            children = [wrapper]
        return "".join(etree.tostring(child, encoding="unicode", with_tail=False) for child in children)

    def _inner_html(self, element):
        text = html.escape(element.text) if element.text and element.text.strip() else ""
        return (text + "".join(etree.tostring(child, method="html", encoding="unicode")
                               for child in element)).strip()

    def _substitute_ids(self, text):
        text = _XMLID_PATTERN.sub(lambda match: str(self._ref(match.group(1))), text)
        return text.replace("%%", "%")

    def _read_file(self, reference):
        """The bytes of ``module/path`` (inside that module's directory only)."""
        module, _, relative = reference.strip().partition("/")
        directory = addon_dir(module) if module and relative else None
        if directory is None:
            raise ValueError(f"file={reference!r}: expected 'module/path' with an installed module")
        root = directory.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root):
            raise ValueError(f"file={reference!r} points outside module {module!r}")
        if not target.is_file():
            raise ValueError(f"file={reference!r}: no such file")
        return target.read_bytes()

    # -- <template> ------------------------------------------------------------------------------
    def _tag_template(self, element, noupdate, env):
        """A QWeb template (XML-9): the ``ir.ui.view`` of type ``qweb`` whose arch is the element's
        content in ``<t t-name="module.id">``, or for ``inherit_id`` the specs (in ``<data>``)
        extending that template; ``primary="True"`` makes the extension a new template named
        ``module.id``. ``name`` [the id], ``priority``, ``groups`` (external ids, comma-separated),
        ``active`` (at install only), ``forcecreate`` and ``context`` are honoured."""
        if not element.get("id"):
            raise ValueError("<template> needs an id")
        full_id = self._own_id(element.get("id"))
        line = element.sourceline
        arch = deepcopy(element)
        arch.tail = None
        for attribute in list(arch.attrib):
            del arch.attrib[attribute]
        primary = _bool_attr(element, "primary", False)
        if element.get("inherit_id"):
            arch.tag = "data"
            if primary:
                rename = etree.SubElement(arch, "xpath", expr=".", position="attributes")
                etree.SubElement(rename, "attribute", name="t-name").text = full_id
        else:
            arch.tag = "t"
            arch.set("t-name", full_id)
        record = etree.Element("record", id=element.get("id"), model="ir.ui.view")
        for attribute in ("forcecreate", "context"):
            if element.get(attribute) is not None:
                record.set(attribute, element.get(attribute))

        def field(name, text=None, **attributes):
            node = etree.SubElement(record, "field", name=name, **attributes)
            node.text = text
            return node

        field("name", element.get("name") or element.get("id"))
        field("key", full_id)
        field("type", "qweb")
        if element.get("priority"):
            field("priority", element.get("priority").strip())
        if element.get("inherit_id"):
            field("inherit_id", ref=element.get("inherit_id"))
            field("mode", "primary" if primary else "extension")
        if element.get("active") is not None and (
                self.mode != "update" or env["ir.model.data"].sudo()._load_xmlid(full_id) is None):
            field("active", eval=repr(_bool_attr(element, "active", True)))
        groups = [group.strip() for group in (element.get("groups") or "").split(",") if group.strip()]
        if groups:
            refs = ", ".join(f"ref({group!r})" for group in groups)
            field("groups_id", eval=f"[Command.set([{refs}])]")
        field("arch", type="xml").append(arch)
        for node in record.iter():
            node.sourceline = line
        self._tag_record(record, noupdate, env)

    # -- <menuitem> ------------------------------------------------------------------------------
    def _tag_menuitem(self, element, noupdate, env, parent_id=None):
        if not element.get("id"):
            raise ValueError("<menuitem> needs an id")
        xml_id = self._own_id(element.get("id"))
        values = {"parent_id": False, "active": _bool_attr(element, "active", True)}
        if parent_id is not None:
            values["parent_id"] = parent_id
        elif element.get("parent"):
            values["parent_id"] = self._ref(element.get("parent"))
        if element.get("sequence"):
            values["sequence"] = int(element.get("sequence"))
        if element.get("name"):
            values["name"] = element.get("name")
        if element.get("web_icon"):
            values["web_icon"] = element.get("web_icon")
        if element.get("action"):
            action = self._ref_record(element.get("action")).sudo()
            model_name = action.type if "type" in action._fields and action.type in env else action._name
            values["action"] = f"{model_name},{action.id}"
            if not values.get("name") and "name" in action._fields:
                values["name"] = action.name
        if not values.get("name"):
            values["name"] = element.get("id")
        groups = []
        for group in (element.get("groups") or "").split(","):
            group = group.strip()
            if group.startswith("-"):
                groups.append(Command.unlink(self._ref(group[1:])))
            elif group:
                groups.append(Command.link(self._ref(group)))
        if groups:
            values["groups_id"] = groups
        data = {"xml_id": xml_id, "values": values, "noupdate": noupdate}
        menu = env["ir.ui.menu"]._load_records([data], update=self.mode == "update")
        self._mark(xml_id)
        for child in element:
            if child.tag != "menuitem":
                raise self._error(child, f"unexpected element <{child.tag}> in <menuitem>")
            self._run(child, self._tag_menuitem, noupdate, env, menu.id)

    # -- <delete> --------------------------------------------------------------------------------
    def _tag_delete(self, element, noupdate, env):
        model_name = element.get("model")
        if not model_name or model_name not in env:
            raise ValueError(f"unknown model {model_name!r}")
        records = env[model_name].browse()
        if element.get("search"):
            records = env[model_name].search(self._eval(element.get("search"), env, model_name))
        if element.get("id"):
            full = full_xmlid(self.module, element.get("id"))
            record = env.ref(full, raise_if_not_found=False)
            if record is None:
                _logger.warning("%s, line %s: nothing to delete, %s does not exist",
                                self.shown, element.sourceline, full)
            elif record._name != model_name:
                raise ValueError(f"{full} is a record of {record._name}, not of {model_name}")
            else:
                records |= record
        if records:
            records.unlink()

    # -- <function> ------------------------------------------------------------------------------
    def _tag_function(self, element, noupdate, env):
        if noupdate and self.mode != "init":
            return
        model_name, method_name = element.get("model"), element.get("name")
        if not model_name or model_name not in env:
            raise ValueError(f"unknown model {model_name!r}")
        if not method_name:
            raise ValueError("missing attribute name (the method to call)")
        env = self._with_context(element, env)
        args = []
        if element.get("eval"):
            evaluated = self._eval(element.get("eval"), env, model_name)
            args = list(evaluated) if isinstance(evaluated, (list, tuple)) else [evaluated]
        kwargs = {}
        for child in element:
            if child.tag != "value":
                raise self._error(child, f"unexpected element <{child.tag}> in <function>")
            value = self._run(child, self._value, env, model_name)
            if child.get("name"):
                kwargs[child.get("name")] = value
            else:
                args.append(value)
        model = env[model_name]
        extra_context = kwargs.pop("context", None)
        if extra_context:
            model = model.with_context(**extra_context)
        method = getattr(type(model), method_name, None)
        if not callable(method):
            raise ValueError(f"model {model_name!r} has no method {method_name!r}")
        if getattr(method, _API, None) in ("model", "model_create"):
            return getattr(model, method_name)(*args, **kwargs)
        ids = args.pop(0) if args else []
        return getattr(model.browse(ids), method_name)(*args, **kwargs)


def _plain(value):
    """Database ids for records, values otherwise (``use=`` on a relational field)."""
    if hasattr(value, "_ids"):
        return value.id if len(value) == 1 else list(value.ids)
    return value


def _convert_to_field(field, value, env):
    """Text (and loosely typed values) converted by field type (modules.md XML-4)."""
    kind = field.type
    if kind == "many2one":
        return int(value) if value else False
    if kind == "integer":
        if isinstance(value, str):
            return int(value.strip()) if value.strip() else 0
        return value
    if kind in ("float", "monetary"):
        if isinstance(value, str):
            return float(value.strip()) if value.strip() else 0.0
        return value
    if kind == "boolean" and isinstance(value, str):
        return value.strip().lower() not in _FALSE_TEXT
    if kind == "selection" and isinstance(value, str) and field.selection is not None:
        keys = field.get_values(env)
        if value not in keys and value.strip().lstrip("-").isdigit() and int(value) in keys:
            return int(value)
    return value


def load_xml(env, module, path, mode="init", noupdate=False, loaded=None, declared=None):
    """Load the XML data file ``path`` of ``module`` (see :class:`XmlDataLoader`).

    :raises ParseError: naming the file, the line and the record id
    """
    XmlDataLoader(env, module, path, mode=mode, noupdate=noupdate, loaded=loaded, declared=declared).load()
