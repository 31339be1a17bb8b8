from . import test_library
