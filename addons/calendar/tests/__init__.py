from . import test_calendar
