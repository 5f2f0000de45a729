"""The blacklists (黑名单) of a centre: ``service.blacklists``.

- :mod:`~govservice.blacklists.entries`: entries, their life (listing, publication,
  penalty, revocation by credit repair, expiry) and provenance;
- :mod:`~govservice.blacklists.sources`: the lists loaded through the sources hook (our
  own, the court's list of dishonest debtors, the partner cities' files), with
  :mod:`~govservice.blacklists.court` for the court's published shape;
- :mod:`~govservice.blacklists.exchange`: the signed exchange files between cities;
- :mod:`~govservice.blacklists.screening`: screening by identifier and by name, with
  :mod:`~govservice.blacklists.names` for the normalised names;
- :mod:`~govservice.blacklists.board`: the public exposure board (曝光台).
"""

from govservice.blacklists.facade import Blacklists

__all__ = ["Blacklists"]
