"""Parsing view arches sent by the server (views.md §1, security.md XML-3).

Arches are parsed with lxml set up so that a hostile server cannot make the client read local files
or expand entities: no entity resolution, no network, no DTD, no huge trees. Comments and processing
instructions are dropped.
"""
from lxml import etree


class ArchError(ValueError):
    """The arch is not well-formed or uses forbidden XML features."""


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True, dtd_validation=False)


def parse_arch(text):
    """The root element of an arch string.

    :raises ArchError: malformed XML, a DOCTYPE or entity references
    """
    if isinstance(text, str):
        data = text.encode("utf-8")
    else:
        data = text
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise ArchError("arches may not contain a DOCTYPE or entity declarations")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ArchError(f"invalid arch: {exc}") from None
    return root


def view_type(root):
    """The view type of an arch root (``tree`` is ``list``)."""
    tag = root.tag if isinstance(root.tag, str) else ""
    return "list" if tag == "tree" else tag


def children(node):
    """Element children only (no comments or processing instructions)."""
    return [child for child in node if isinstance(child.tag, str)]
