"""Records as expressions see them, under a public name for addons: read-only
:class:`RecordData` for rules and data, :class:`ActingRecords`/:class:`ActingEnvironment` for
server actions (security.md EVAL-3; implemented in ``bureau.orm.eval_records``)."""
from .orm.eval_records import ActingEnvironment as ActingEnvironment
from .orm.eval_records import ActingRecords as ActingRecords
from .orm.eval_records import RecordData as RecordData
from .orm.eval_records import unwrap as unwrap
