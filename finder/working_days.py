"""Working days in England: the one calendar for deadlines and reminders (an enquiry's answer-by date, the first
working day of an intake).

Bank holidays come from the ``holidays`` package (England's, with substitute days when one falls at a weekend);
a working day is Monday to Friday and not one of them.
"""

import datetime
from functools import lru_cache

import holidays

ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start`` (which need not be a working day itself)."""
    day = start
    while days > 0:
        day += ONE_DAY
        if is_working_day(day):
            days -= 1
    return day


def first_working_day(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, 1)
    while not is_working_day(day):
        day += ONE_DAY
    return day
