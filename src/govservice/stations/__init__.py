"""Stations (服务站点): from the city centre down to the village station.

- :mod:`~govservice.stations.facade`: :class:`Stations`, ``service.stations``.
- :mod:`~govservice.stations.hierarchy`: the level rules and the tree with its counts.
- :mod:`~govservice.stations.evaluation`: checking an evaluation, photo evidence.
- :mod:`~govservice.stations.standing`: a station's standing on a day.
- :mod:`~govservice.stations.subsidies`: subsidies by results (以奖代补).
- the guiding catalog and coverage (应进必进), training, the staff assessment: their
  own modules (``guiding``, ``coverage``, ``training``, ``assessment``).
"""

from govservice.stations.facade import Stations, station_calendar
from govservice.stations.hierarchy import NewStations, StationTree, TreeNode
from govservice.stations.standing import PointStanding, StandardStanding, Standing
from govservice.stations.subsidies import SubsidyLine, SubsidyReport, SubsidyTotal

__all__ = [
    "NewStations",
    "PointStanding",
    "StandardStanding",
    "Standing",
    "StationTree",
    "Stations",
    "SubsidyLine",
    "SubsidyReport",
    "SubsidyTotal",
    "TreeNode",
    "station_calendar",
]
