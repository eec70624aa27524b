import datetime as dt
from pathlib import Path

import pytest

from bulletin import labels, numbering
from bulletin.errors import Report
from bulletin.model import Issue, Recipients


@pytest.mark.parametrize("lang, year, n, total, kind, label", [
    ("zh-CN", 2018, 2, 42, "regular", "2018年第2期（总第42期）"),
    ("zh-CN", 2018, 2, None, "regular", "2018年第2期"),
    ("zh-CN", 2018, 1, None, "增刊", "2018年增刊第1期"),
    ("en", 2018, 2, 42, "regular", "Issue 2, 2018 (No. 42)"),
    ("en", 2018, 2, None, "regular", "Issue 2, 2018"),
    ("en", 2019, 1, None, "增刊", "Supplement 1, 2019"),
])
def test_period_label(lang, year, n, total, kind, label):
    assert labels.period_label(lang, year, n, total, kind) == label


def test_dates_have_no_leading_zeros():
    assert labels.date_label("zh-CN", dt.date(2018, 3, 5)) == "2018年3月5日"
    assert labels.date_label("en", dt.date(2018, 3, 5)) == "5 March 2018"


def test_edition_names():
    assert numbering.edition_name(2018, 2) == "2018-02"
    assert numbering.edition_name(2018, 1, "增刊") == "2018-zk01"


def make(number, date, total=None, kind="regular", name=None):
    d = dt.date.fromisoformat(date)
    return Issue(source=Path(name or f"issues/{date}.md"), number=number, date=d, total=total, kind=kind,
                 recipients=Recipients(), title=("t",), publisher="p", language="zh-CN", articles=(),
                 lines={"issue": 2, "total": 3, "date": 4})


def errors(*issues):
    report = Report()
    numbering.check_series(list(issues), report)
    return [d.message for d in report.errors]


def test_a_good_series_across_the_year_passes():
    assert errors(make(2, "2018-03-05", 42), make(3, "2018-04-01", 43), make(1, "2019-01-10", 44)) == []


def test_archive_may_start_mid_year():
    assert errors(make(2, "2018-03-05", 42)) == []


def test_duplicate_number():
    assert any("appears twice" in m for m in errors(make(2, "2018-03-05"), make(2, "2018-03-09", name="b.md")))


def test_skipped_number():
    msgs = errors(make(1, "2018-01-05"), make(3, "2018-03-05"))
    assert msgs == ["Issue 3, 2018 follows Issue 1, 2018: Issue 2, 2018 is missing"]


def test_year_rollover_must_restart():
    msgs = errors(make(3, "2018-12-01", 43), make(4, "2019-01-10", 44))
    assert any("the yearly number restarts at 1" in m for m in msgs)


def test_total_must_follow():
    msgs = errors(make(1, "2018-01-05", 41), make(2, "2018-02-05", 43))
    assert msgs == ["total 43 does not follow 41 of 2018-01-05.md"]


def test_duplicate_total():
    msgs = errors(make(1, "2018-01-05", 41), make(1, "2019-01-05", 41))
    assert any("also used by" in m for m in msgs)


def test_dates_out_of_order():
    msgs = errors(make(1, "2018-03-05"), make(2, "2018-02-01"))
    assert any("is dated 2018-02-01, before" in m for m in msgs)


def test_special_issues_have_their_own_sequence():
    assert errors(make(1, "2018-01-05", 41), make(1, "2018-02-01", kind="增刊"), make(2, "2018-03-01", 42)) == []


def test_next_numbers_restart_each_year_and_total_continues():
    issues = [make(2, "2018-03-05", 42), make(3, "2018-04-01", 43)]
    assert numbering.next_numbers(issues, dt.date(2018, 5, 1)) == (4, 44)
    assert numbering.next_numbers(issues, dt.date(2019, 1, 8)) == (1, 44)
    assert numbering.next_numbers(issues, dt.date(2018, 5, 1), "增刊") == (1, None)
    assert numbering.next_numbers([], dt.date(2018, 5, 1)) == (1, None)
