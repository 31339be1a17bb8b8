from . import extensions
