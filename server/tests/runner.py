"""Finding and running addon tests (``bureau test``), with tag selection (modules.md TEST-3).

A selection is ``[-][tag][/module][:class][.method]``, comma separated: ``/library`` (everything in
library), ``post_install``, ``-slow``, ``/library:TestLoan.test_return``. Without a positive item,
``standard`` tests are selected.
"""
import importlib
import inspect
import pkgutil
import re
import unittest

from .common import BaseCase

SPEC_RE = re.compile(r"^(?P<exclude>-)?(?P<tag>[\w]*)(?:/(?P<module>\w+))?(?::(?P<cls>\w+))?(?:\.(?P<method>\w+))?$")


class TagsSelector:
    """Decides whether a test (tags, module, class, method) is selected by a ``--test-tags`` spec."""

    def __init__(self, spec):
        self.include = []
        self.exclude = []
        for raw in (spec or "").split(","):
            raw = raw.strip()
            if not raw:
                continue
            match = SPEC_RE.match(raw)
            if not match:
                raise ValueError(f"invalid test tag specification {raw!r}")
            item = (match.group("tag") or None, match.group("module"), match.group("cls"), match.group("method"))
            (self.exclude if match.group("exclude") else self.include).append(item)
        if not self.include:
            self.include.append(("standard", None, None, None))

    @staticmethod
    def _matches(item, tags, module, cls, method):
        tag, item_module, item_cls, item_method = item
        return ((tag is None or tag in tags) and (item_module is None or item_module == module)
                and (item_cls is None or item_cls == cls) and (item_method is None or item_method == method))

    def check(self, tags, module, cls, method):
        if any(self._matches(item, tags, module, cls, method) for item in self.exclude):
            return False
        return any(self._matches(item, tags, module, cls, method) for item in self.include)


def module_test_classes(module):
    """Test classes of ``bureau.addons.<module>.tests`` (its ``test_*`` modules)."""
    try:
        package = importlib.import_module(f"bureau.addons.{module}.tests")
    except ModuleNotFoundError as exc:
        if exc.name in (f"bureau.addons.{module}.tests",):
            return []
        raise
    classes = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("test_"):
            continue
        test_module = importlib.import_module(f"{package.__name__}.{info.name}")
        for _, obj in inspect.getmembers(test_module, inspect.isclass):
            if issubclass(obj, BaseCase) and obj.__module__ == test_module.__name__:
                obj.test_module = module
                classes.append(obj)
    return classes


def build_suite(modules, spec, phase=None):
    """A unittest suite of the selected tests of ``modules``; ``phase`` filters at/post_install."""
    selector = TagsSelector(spec)
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for module in modules:
        for cls in module_test_classes(module):
            tags = set(getattr(cls, "test_tags", {"standard", "at_install"}))
            if phase and phase not in tags:
                continue
            for name in loader.getTestCaseNames(cls):
                if selector.check(tags, module, cls.__name__, name):
                    suite.addTest(cls(name))
    return suite
