from . import all_types
from . import orders
from . import inheritance
from . import misc
from . import security
from . import compute
from . import performance
from . import inheritance_multi
