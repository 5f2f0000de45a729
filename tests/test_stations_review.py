"""A hostile review of the stations (issue 13): each test fails without its fix."""

from __future__ import annotations

import csv
import io

import attrs
import pytest

from govservice.config import Config
from govservice.errors import DuplicateRecordError, StationRegionError, SubsidyAmountsError
from govservice.spreadsheet import cell
from govservice.stations.facade import placed
from govservice.stations.subsidies import amounts_of
from people_helpers import centre_on
from stations_fixture import config_settings, install, stations


def test_moving_a_parent_to_another_city_is_checked_against_children_of_any_region(
    tmp_path,
) -> None:
    """The county centres carry their county's region, not the city's: moving the city
    centre to another city must still find them and refuse the move."""
    with centre_on("sqlite", tmp_path) as service:
        install(service, with_evaluations=False)
        city = service.stations.get("370500-ZWZX")
        with pytest.raises(StationRegionError):
            service.stations.update(attrs.evolve(city, region="370400"))
        assert service.stations.get("370500-ZWZX").region == "370500"


def test_a_station_given_twice_in_one_import_is_refused(tmp_path) -> None:
    with centre_on("sqlite", tmp_path) as service:
        given = stations()
        twice = attrs.evolve(given[-1], name="另一个名字")
        with pytest.raises(DuplicateRecordError, match=given[-1].code):
            placed(service.store, [*given, twice])


def test_a_year_without_amounts_is_a_clear_error() -> None:
    config = Config(name="测试中心", region="370500", stations={"subsidies": [{"year": 2015}]})
    with pytest.raises(SubsidyAmountsError, match="2015 without an amount"):
        amounts_of(config, 2015)


@pytest.mark.parametrize("text", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_is_kept_as_text(text) -> None:
    assert cell(text) == "'" + text
    assert cell("东营区" + text) == "东营区" + text


def test_a_station_named_as_a_formula_reaches_the_subsidy_csv_as_text(tmp_path) -> None:
    with centre_on("sqlite", tmp_path, stations=config_settings()) as service:
        install(service)
        wy = service.stations.get("DY-NZ-WY-01")
        service.stations.update(attrs.evolve(wy, name='=HYPERLINK("http://x","王营")'))
        rows = list(csv.reader(io.StringIO(service.stations.subsidies(2015).to_csv())))
        names = [cell for row in rows for cell in row if "HYPERLINK" in cell]
        assert names == ['\'=HYPERLINK("http://x","王营")']
