"""Working days on the official calendar, against real dates; year files; provisional."""

from __future__ import annotations

import datetime as dt

import pytest

from govservice.errors import ConfigError
from govservice.service import GovService
from govservice.testing import config_with
from govservice.workdays import Deadline, WorkingCalendar, YearSchedule, load_schedule_file

D = dt.date


@pytest.fixture(scope="module")
def official() -> WorkingCalendar:
    return GovService(config_with()).calendar("370500")


def test_spring_festival_2015_last_working_day_before_the_holiday(official):
    # 2015: off 18-24 February; Sunday 15 Feb and Saturday 28 Feb were worked (调休).
    accepted = D(2015, 2, 17)
    assert official.add_working_days(accepted, 1).due == D(2015, 2, 25)
    assert official.add_working_days(accepted, 4).due == D(2015, 2, 28)  # a Saturday, worked
    assert official.add_working_days(accepted, 5).due == D(2015, 3, 2)
    # 20 working days: the 5 of 25 Feb to 2 Mar (with Saturday 28 Feb), then 3 weeks of March
    assert official.add_working_days(accepted, 20) == Deadline(
        due=D(2015, 3, 23), provisional=False
    )
    assert official.working_days_between(accepted, D(2015, 3, 23)) == 20


def test_spring_festival_2026_with_a_worked_saturday(official):
    # 2026: off 15-23 February; Saturday 14 Feb and Saturday 28 Feb worked.
    friday = D(2026, 2, 13)
    assert official.add_working_days(friday, 1).due == D(2026, 2, 14)
    assert official.add_working_days(friday, 2).due == D(2026, 2, 24)
    assert not official.add_working_days(friday, 2).provisional


def test_national_day_2026(official):
    assert official.add_working_days(D(2026, 9, 30), 1).due == D(2026, 10, 8)
    assert official.is_working_day(D(2026, 10, 10))  # Saturday worked
    assert not official.is_working_day(D(2026, 10, 7))


def test_day_of_acceptance_is_not_counted_and_zero_days_is_the_same_day(official):
    monday = D(2015, 3, 2)
    assert official.add_working_days(monday, 0).due == monday
    assert official.add_working_days(monday, 1).due == D(2015, 3, 3)
    assert official.working_days_between(monday, D(2015, 3, 9)) == 5


def test_a_deadline_beyond_the_known_years_is_provisional(official):
    assert not official.knows(2027)
    deadline = official.add_working_days(D(2026, 12, 28), 5)
    assert deadline.provisional
    assert deadline.due == D(2027, 1, 4)  # weekdays only, and said to be so


def test_a_published_year_is_loaded_from_a_small_file(tmp_path):
    year_file = tmp_path / "2027.yaml"
    year_file.write_text(
        "year: 2027\nholidays: ['2027-01-01']\nworking_weekends: ['2027-01-02']\n",
        encoding="utf-8",
    )
    config_file = tmp_path / "govservice.yaml"
    config_file.write_text(
        'name: 测试\nregion: "370500"\ncalendar:\n  schedules: [2027.yaml]\n'
        "  closures: ['2027-01-04']\n",
        encoding="utf-8",
    )
    calendar = GovService(config_file, strict=True).calendar()
    assert calendar.knows(2027)
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert calendar.is_working_day(D(2027, 1, 2))
    assert not calendar.is_working_day(D(2027, 1, 4))  # a local closure from the config
    deadline = calendar.add_working_days(D(2026, 12, 31), 2)
    assert deadline == type(deadline)(D(2027, 1, 5), provisional=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("year: 2027\nholidays: ['2028-01-01']\n", "2028-01-01 is not in that year"),
        ("holidays: []\n", "has a 'year'"),
        ("year: 2027\nholidays: ['2027-02-30']\n", "day is out of range"),
        ("year: 2027\nextra: 1\n", "unknown key(s): extra"),
        ("year: [2027\n", "not valid YAML"),
    ],
)
def test_a_bad_year_file_names_the_file(tmp_path, content, message):
    path = tmp_path / "2027.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_schedule_file(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_closures_and_schedules_compose():
    schedule = YearSchedule(2015, [D(2015, 3, 3)], [D(2015, 3, 7)])
    calendar = WorkingCalendar({2015: schedule}).with_closures([D(2015, 3, 4)])
    days = [D(2015, 3, 2) + dt.timedelta(days=n) for n in range(7)]
    assert [calendar.is_working_day(d) for d in days] == [
        True,
        False,
        False,
        True,
        True,
        True,
        False,
    ]
