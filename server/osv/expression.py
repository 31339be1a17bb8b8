"""Domain helpers under their traditional name (``bureau.osv.expression``)."""
from ..orm.domain.parse import AND as AND
from ..orm.domain.parse import FALSE_DOMAIN as FALSE_DOMAIN
from ..orm.domain.parse import FALSE_LEAF as FALSE_LEAF
from ..orm.domain.parse import NEGATIVE_TERM_OPERATORS as NEGATIVE_TERM_OPERATORS
from ..orm.domain.parse import OR as OR
from ..orm.domain.parse import TRUE_DOMAIN as TRUE_DOMAIN
from ..orm.domain.parse import TRUE_LEAF as TRUE_LEAF
from ..orm.domain.parse import distribute_not as distribute_not
from ..orm.domain.parse import is_leaf as is_leaf
from ..orm.domain.parse import normalize_domain as normalize_domain
