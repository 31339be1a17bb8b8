"""What the command palette (Ctrl+K) offers and how typed text ranks it: plain Python, no Qt.

The palette lists three kinds of :class:`Entry`: **menus** (every menu of the user's tree that runs
an action, named by its path "Library / Books"), **commands** (what the window can do: close tab,
detach tab, preferences ...) and **records** (found on the server with ``name_search``). Menus and
commands are matched here, locally, with :func:`fuzzy_score`: the typed letters must appear in order;
a match scores higher when its letters start words, follow each other, or begin the text.

>>> fuzzy_score("lib bo", "Library / Books") > fuzzy_score("lib bo", "Library / Loans / Borrowers")
True
>>> fuzzy_score("xyz", "Library / Books") is None
True
>>> [e.label for e in rank("cont", [Entry("menu", "Library / Books"), Entry("menu", "Contacts / Contacts")])]
['Contacts / Contacts']
"""
from dataclasses import dataclass, field

#: at most this many menus/commands are listed for one query
LOCAL_LIMIT = 12
#: record searches: at most this many models, records per model, and the pause after the last key
RECORD_MODELS_LIMIT = 12
RECORDS_PER_MODEL = 5
SEARCH_DELAY_MS = 250


@dataclass
class Entry:
    """One line of the palette.

    :param kind: ``"menu"``, ``"command"`` or ``"record"``
    :param label: the text matched and shown ("Library / Books", "Victor Hugo")
    :param detail: a second, greyed text (the record's model label, a command's keys)
    :param data: what opening it needs: a menu id, a command callable, ``(model, id, action_id)``
    """
    kind: str
    label: str
    detail: str = ""
    data: object = None
    score: float = field(default=0.0, compare=False)


def _word_starts(text):
    starts = set()
    previous = " "
    for index, char in enumerate(text):
        if char.isalnum() and not previous.isalnum():
            starts.add(index)
        elif char.isupper() and previous.islower():
            starts.add(index)
        previous = char
    return starts


def fuzzy_score(query, text):
    """How well ``query`` matches ``text`` (higher is better), or None when it does not.

    Spaces in the query are ignored (they separate words the user thought of); letters match case-
    insensitively, in order, each as early as a word start allows.
    """
    needle = "".join(query.lower().split())
    if not needle:
        return 0.0
    haystack = text.lower()
    starts = _word_starts(text)
    # greedy with a preference for word starts: for each letter, the next word start holding it
    # if one comes before the next plain occurrence of the following letters can no longer fit
    position = 0
    score = 0.0
    previous = -2
    for index, char in enumerate(needle):
        found = haystack.find(char, position)
        if found < 0:
            return None
        remaining = needle[index + 1:]
        candidate = found
        while candidate >= 0 and candidate not in starts:
            candidate = haystack.find(char, candidate + 1)
        if candidate >= 0 and candidate != found and previous + 1 != found \
                and _fits(remaining, haystack, candidate + 1):
            found = candidate
        if found == previous + 1:
            score += 5          # letters that follow each other
        if found in starts:
            score += 8          # the start of a word
        if found == 0:
            score += 6          # the start of the text
        score -= 0.1 * (found - previous - 1) if previous >= 0 else 0.05 * found
        previous = found
        position = found + 1
    if needle in haystack:
        score += 10 + (10 if haystack.startswith(needle) else 0)
    return score - 0.01 * len(text)


def _fits(needle, haystack, position):
    for char in needle:
        position = haystack.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


def rank(query, entries, limit=LOCAL_LIMIT):
    """The entries matching ``query``, best first (all of them in their order for an empty query)."""
    if not query.strip():
        return list(entries)[:limit]
    scored = []
    for order, entry in enumerate(entries):
        score = fuzzy_score(query, entry.label)
        if score is None and entry.detail:
            score = fuzzy_score(query, entry.detail)
            score = None if score is None else score - 15
        if score is not None:
            entry.score = score
            scored.append((-score, order, entry))
    scored.sort(key=lambda item: item[:2])
    return [entry for _, _, entry in scored[:limit]]


def menu_entries(menus):
    """The menus of a ``load_menus`` result that run an action, as entries named by their path."""
    entries = []

    def walk(menu_id, path):
        menu = menus.get(str(menu_id))
        if menu is None:
            return
        names = path + [menu.get("name") or ""]
        if menu.get("action"):
            entries.append(Entry("menu", " / ".join(names), data=menu["id"]))
        for child in menu.get("children") or []:
            walk(child, names)

    for root in (menus.get("root") or {}).get("children") or []:
        walk(root, [])
    return entries


def window_action_ids(menus):
    """``{action id: menu path}`` of the window actions the menus run (first menu wins)."""
    found = {}
    for entry in menu_entries(menus):
        action = menus[str(entry.data)]["action"]
        kind, _, action_id = action.partition(",")
        if kind == "ir.actions.act_window" and action_id.isdigit():
            found.setdefault(int(action_id), entry.label)
    return found


def record_models(actions, limit=RECORD_MODELS_LIMIT):
    """``[(model, label, action id)]`` to search records in, one per model, in menu order.

    :param actions: ``[{"id", "res_model", "name"}]`` of the menus' window actions, in menu order
    """
    seen = {}
    for action in actions:
        model = action.get("res_model")
        if model and model not in seen:
            seen[model] = (model, action.get("name") or model, action["id"])
    return list(seen.values())[:limit]
