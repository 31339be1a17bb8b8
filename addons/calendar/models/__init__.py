from . import calendar_event_type
from . import calendar_event
