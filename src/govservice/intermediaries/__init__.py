"""The intermediary supermarket (中介超市) of a centre: ``service.intermediaries``.

- :mod:`~govservice.intermediaries.service_list`: the list of intermediary services
  (中介服务事项清单), their fee regimes and list status;
- :mod:`~govservice.intermediaries.agencies`: the agencies, their qualifications and offers;
- :mod:`~govservice.intermediaries.selection`: needs, eligibility and selection, with
  :mod:`~govservice.intermediaries.draw`, the random draw anyone can re-run;
- :mod:`~govservice.intermediaries.engagements`: the work agreed, delivered, complained of;
- :mod:`~govservice.intermediaries.assessment`: quarterly grades (考核) and suspensions;
- :mod:`~govservice.intermediaries.card`: the printable contact card (中介服务联系卡).
"""

from govservice.intermediaries.facade import Intermediaries

__all__ = ["Intermediaries"]
