"""Translation of user-facing messages.

``_('Record %s not found', name)`` returns the message in the current language and formats it.
Bureau ships English messages; catalogues for other languages plug in here (:func:`translate`).
"""

#: {lang: {source: translation}}; filled by addons' translation files
CATALOGUES = {}


def translate(source, lang=None, *args, **kwargs):
    """The translation of ``source`` in ``lang`` (or ``source`` itself), formatted with the arguments."""
    text = CATALOGUES.get(lang or "en_US", {}).get(source, source)
    if args:
        return text % args
    if kwargs:
        return text % kwargs
    return text


def _(source, *args, **kwargs):
    """Mark a message for translation and translate it (into English until a catalogue is loaded)."""
    return translate(source, None, *args, **kwargs)
