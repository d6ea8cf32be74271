"""Every domain's tables on one metadata: importing this module maps them all. For what needs the
whole schema at once — Alembic, the app factory (relationships name other domains' classes), the
tests that walk every table. Code that uses a table imports it from its domain."""

from __future__ import annotations

from backend.assessment import models as _assessment
from backend.attendance import models as _attendance
from backend.audit import models as _audit
from backend.auth import models as _auth
from backend.complaints import models as _complaints
from backend.core.orm import Base
from backend.duties import models as _duties
from backend.filings import models as _filings
from backend.identity import models as _identity
from backend.media import models as _media
from backend.org import models as _org
from backend.polls import models as _polls
from backend.problems import models as _problems
from backend.ranking import models as _ranking
from backend.service_card import models as _service_card

DOMAINS = (
    _assessment,
    _attendance,
    _audit,
    _auth,
    _complaints,
    _duties,
    _filings,
    _identity,
    _media,
    _org,
    _polls,
    _problems,
    _ranking,
    _service_card,
)
metadata = Base.metadata
