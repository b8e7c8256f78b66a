"""The count tables of the synthesis pages: cross-tabulation and ranking."""

from types import SimpleNamespace

from django.db import models

from consortium.core.crosstab import crosstab, ranking


class Colour(models.TextChoices):
    RED = "red", "Rouge"
    BLUE = "blue", "Bleu"


CERGY, ROISSY, VEXIN = (SimpleNamespace(pk=pk, name=name) for pk, name in enumerate("CRV", 1))


def test_every_row_and_column_appears_with_zero_where_nothing_was_counted():
    table = crosstab(
        counts={(1, "red"): 2, (1, "blue"): 1, (2, "blue"): 4},
        rows=[CERGY, ROISSY, VEXIN],
        columns=list(Colour),
    )
    assert table["columns"] == [Colour.RED, Colour.BLUE]
    assert [row["object"] for row in table["rows"]] == [CERGY, ROISSY, VEXIN]
    assert [row["key"] for row in table["rows"]] == [1, 2, 3]
    assert [row["cells"] for row in table["rows"]] == [[2, 1], [0, 4], [0, 0]]
    assert [row["total"] for row in table["rows"]] == [3, 4, 0]
    assert table["totals"] == [2, 5]
    assert table["grand_total"] == 7


def test_bars_are_in_percent_of_the_largest_row():
    table = crosstab(
        counts={(1, "red"): 1, (2, "red"): 4, (3, "blue"): 3},
        rows=[CERGY, ROISSY, VEXIN],
        columns=list(Colour),
    )
    assert [row["percent"] for row in table["rows"]] == [25, 100, 75]


def test_an_empty_table_has_no_bar_and_no_division_by_zero():
    table = crosstab(counts={}, rows=[CERGY, ROISSY], columns=list(Colour))
    assert [row["percent"] for row in table["rows"]] == [0, 0]
    assert table["totals"] == [0, 0]
    assert table["grand_total"] == 0
    assert crosstab(counts={}, rows=[], columns=list(Colour))["rows"] == []


def test_rows_may_be_keyed_otherwise_than_by_pk():
    table = crosstab(
        counts={("C", "red"): 5}, rows=[CERGY], columns=list(Colour), row_key=lambda r: r.name
    )
    assert table["rows"][0]["cells"] == [5, 0]
    assert table["rows"][0]["key"] == "C"


def test_a_ranking_puts_the_largest_first_and_keeps_the_order_of_ties():
    rows = ranking(counts={2: 3, 3: 6}, rows=[CERGY, ROISSY, VEXIN])
    assert [(row["object"], row["total"], row["percent"]) for row in rows] == [
        (VEXIN, 6, 100),
        (ROISSY, 3, 50),
        (CERGY, 0, 0),
    ]
    tied = ranking(counts={}, rows=[VEXIN, CERGY, ROISSY])
    assert [row["object"] for row in tied] == [VEXIN, CERGY, ROISSY]
    assert {row["percent"] for row in tied} == {0}


def test_a_small_count_still_gets_a_visible_bar():
    rows = ranking(counts={1: 1, 2: 500}, rows=[CERGY, ROISSY])
    assert [row["percent"] for row in rows] == [100, 1]
