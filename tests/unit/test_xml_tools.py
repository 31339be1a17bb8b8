"""The hardened XML parser (security.md XML-3): no entity expansion, no external fetch, no DTD."""
import pytest
from lxml import etree

from bureau.tools.xml import UnsafeXMLError, fromstring, parse, xml_parser

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>
"""


def test_billion_laughs_refused():
    """Refused without expanding: by libxml2's amplification guard or by the DTD check."""
    with pytest.raises(UnsafeXMLError, match="DTD|amplification"):
        fromstring(BILLION_LAUGHS)


def test_external_entity_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    document = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]><x>&e;</x>'
    with pytest.raises(UnsafeXMLError) as info:
        fromstring(document)
    assert "TOP-SECRET" not in str(info.value)


def test_external_entity_never_expanded_by_the_parser(tmp_path):
    """Even below the DTD check, the parser itself substitutes nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    document = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]><x>&e;</x>'.encode()
    root = etree.fromstring(document, xml_parser())
    assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")


def test_external_dtd_refused():
    with pytest.raises(UnsafeXMLError, match="DTD"):
        fromstring('<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd"><x/>')


def test_plain_doctype_refused():
    with pytest.raises(UnsafeXMLError, match="DTD"):
        fromstring("<!DOCTYPE odoo><odoo/>")


def test_undeclared_entity_refused():
    with pytest.raises(UnsafeXMLError, match="line 1"):
        fromstring("<x>&e;</x>")


def test_malformed_document_names_source_and_line():
    with pytest.raises(UnsafeXMLError, match=r"data\.xml: invalid XML: .*line 3"):
        fromstring("<odoo>\n<record>\n</odoo>", source_name="data.xml")


def test_str_with_encoding_declaration_parsed():
    root = fromstring('<?xml version="1.0" encoding="iso-8859-1"?><x>été</x>')
    assert root.text == "été"


def test_comments_and_processing_instructions_removable():
    text = "<x><!-- note --><?target data?><y/></x>"
    assert len(fromstring(text)) == 3
    stripped = fromstring(text, remove_comments=True, remove_pis=True)
    assert [child.tag for child in stripped] == ["y"]


def test_parse_file_keeps_line_numbers(tmp_path):
    path = tmp_path / "data.xml"
    path.write_text("<odoo>\n  <record id='a'/>\n</odoo>\n")
    tree = parse(path)
    assert tree.getroot()[0].sourceline == 2


def test_parse_file_refuses_dtd(tmp_path):
    path = tmp_path / "evil.xml"
    path.write_text(BILLION_LAUGHS)
    with pytest.raises(UnsafeXMLError, match="evil.xml"):
        parse(path)


def test_huge_tree_limits_kept():
    depth = 5000
    document = "<a>" * depth + "</a>" * depth
    with pytest.raises(UnsafeXMLError):
        fromstring(document)
