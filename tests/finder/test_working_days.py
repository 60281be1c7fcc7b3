"""The one working-day calendar: weekends and England's bank holidays (with substitute days) are not working days."""

import datetime

from finder.working_days import add_working_days, first_working_day, is_working_day


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(datetime.date(2026, 12, 24))  # a Thursday
    assert not is_working_day(datetime.date(2026, 12, 26))  # Saturday
    assert not is_working_day(datetime.date(2026, 12, 28))  # Boxing Day moved to the Monday
    assert not is_working_day(datetime.date(2026, 8, 31))  # late summer bank holiday
    assert not is_working_day(datetime.date(2027, 3, 26))  # Good Friday 2027


def test_a_deadline_skips_christmas():
    # Wednesday 23 December + 6 working days: 24, 29, 30, 31 December, 4 and 5 January.
    assert add_working_days(datetime.date(2026, 12, 23), 6) == datetime.date(2027, 1, 5)


def test_the_first_working_day_of_an_intake_month():
    assert first_working_day(2027, 1) == datetime.date(2027, 1, 4)  # 1 Jan is a holiday, then a weekend
    assert first_working_day(2026, 4) == datetime.date(2026, 4, 1)
    assert first_working_day(2026, 9) == datetime.date(2026, 9, 1)
