"""The one way Bureau parses XML: data files, view arches, anything read from addons or clients
(security.md XML-3).

lxml's defaults are built for trusted documents: they substitute entities, may read a DTD from disk
or the network and accept arbitrarily large trees. Every parser made here is hardened instead:

* ``resolve_entities=False``: no entity is ever substituted, so neither the billion laughs
  (entities expanding to entities) nor external entities (``SYSTEM "file:///etc/passwd"``) work;
* ``no_network=True`` and ``load_dtd=False``: nothing outside the document is ever fetched;
* ``huge_tree=False``: libxml2 keeps its limits on depth, text node size and dictionary growth;
* a document type declaration (``<!DOCTYPE ...>``, internal subset or not) is refused outright:
  no Bureau document needs one, and refusing it removes entity declarations from the picture.

>>> root = fromstring("<odoo><record id='a' model='res.partner'/></odoo>")
>>> root[0].get("id")
'a'

Comments and processing instructions are kept by default (view arches may carry comments);
data loaders pass ``remove_comments=True, remove_pis=True`` so they only ever see elements.
"""
import re

from lxml import etree

from ..exceptions import ValidationError


_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*\?>")


class UnsafeXMLError(ValidationError, ValueError):
    """The document is malformed or uses a construct Bureau refuses (DTD, entities)."""


def xml_parser(remove_comments=False, remove_pis=False, remove_blank_text=False):
    """A new hardened :class:`lxml.etree.XMLParser` (see the module docstring).

    :param remove_comments: drop comments from the tree
    :param remove_pis: drop processing instructions from the tree
    :param remove_blank_text: drop whitespace-only text between elements
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_comments=remove_comments,
        remove_pis=remove_pis,
        remove_blank_text=remove_blank_text,
    )


def _check_document(tree, source_name):
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXMLError(f"{source_name}: document type declarations (DTD) are not allowed")
    # entity declarations without a DOCTYPE cannot exist, but references to undeclared entities
    # survive as nodes when substitution is off: refuse them too
    for _node in tree.iter(etree.Entity):
        raise UnsafeXMLError(f"{source_name}: entity references are not allowed")
    return tree


def parse(source, source_name=None, **options):
    """Parse a file (path or binary file object) into an :class:`lxml.etree._ElementTree`.

    :param options: :func:`xml_parser` options
    :raises UnsafeXMLError: malformed document, DTD or entity reference; the message names the
        source and the line
    """
    name = source_name or str(getattr(source, "name", source))
    try:
        tree = etree.parse(source if not hasattr(source, "__fspath__") else str(source), xml_parser(**options))
    except etree.XMLSyntaxError as exc:
        raise UnsafeXMLError(f"{name}: invalid XML: {exc}") from None
    return _check_document(tree, name)


def fromstring(text, source_name="<string>", **options):
    """Parse ``text`` (str or bytes) and return the root element.

    :param options: :func:`xml_parser` options
    :raises UnsafeXMLError: malformed document, DTD or entity reference
    """
    if isinstance(text, str):
        # lxml refuses str input holding an encoding declaration: drop it, the text is decoded
        text = _DECLARATION.sub("", text, count=1).encode("utf-8")
    if not isinstance(text, bytes):
        raise UnsafeXMLError(f"{source_name}: XML must be given as str or bytes, not {type(text).__name__}")
    try:
        root = etree.fromstring(text, xml_parser(**options))
    except etree.XMLSyntaxError as exc:
        raise UnsafeXMLError(f"{source_name}: invalid XML: {exc}") from None
    _check_document(root.getroottree(), source_name)
    return root
