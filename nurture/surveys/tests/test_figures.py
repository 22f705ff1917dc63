"""Figures read from a report's text, and the charts' geometry: no database."""

from __future__ import annotations

import pytest

from nurture.surveys.charts import PLOT, BarRow, bar_chart
from nurture.surveys.figures import Reference, one_decimal, paragraphs_of, summary_read, whole_percent


def test_a_figure_is_read_with_its_sample_question_and_options():
    summary = summary_read("Most adults, [97%](public:IMPORTANT=1), say so; [12%](professionals:AGREE=4,5) disagree.")
    assert summary.problems == ()
    (paragraph,) = summary.paragraphs
    figures = paragraph.figures
    assert [(f.text, f.number, f.reference) for f in figures] == [
        ("97%", 97, Reference("public", "IMPORTANT", ("1",))),
        ("12%", 12, Reference("professionals", "AGREE", ("4", "5"))),
    ]
    assert "".join(p.text for p in paragraph.pieces) == "Most adults, 97%, say so; 12% disagree."


def test_spaces_inside_a_reference_are_forgiven():
    (paragraph,) = summary_read("[ 75 % ]( public : IMPORTANT = 1 , 2 )").paragraphs
    assert paragraph.figures[0].reference == Reference("public", "IMPORTANT", ("1", "2"))
    assert paragraph.figures[0].text == "75%"


def test_paragraphs_are_separated_by_blank_lines_and_joined_within():
    assert paragraphs_of("One\nline.\r\n\r\nTwo.\n  \n\n\nThree.") == ["One line.", "Two.", "Three."]
    assert [p.number for p in summary_read("A.\n\nB.").paragraphs] == [1, 2]


@pytest.mark.parametrize(
    "text",
    ["Nearly 45% agree.", "45 % agree.", "12.5% agree.", "45 per cent agree.", "45 percent agree.", "[45%] agree."],
)
def test_a_percentage_not_linked_as_a_figure_is_a_problem(text):
    (problem,) = summary_read(text).problems
    assert "in paragraph 1 is not linked to the result it comes from" in problem


def test_a_bare_percentage_is_named_with_its_paragraph():
    summary = summary_read("[97%](public:IMPORTANT=1) of adults.\n\nBut 40% of professionals.")
    assert summary.problems == (
        "“40%” in paragraph 2 is not linked to the result it comes from: write it as a figure, such as "
        "[75%](public:IMPORTANT=1).",
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[75.3%](public:IMPORTANT=1)", "a figure's text is a whole percentage"),
        ("[three quarters](public:IMPORTANT=1)", "only figures are linked"),
        ("[75%](public IMPORTANT 1)", "as sample:QUESTION=option"),
        ("[75%](https://example.org/)", "as sample:QUESTION=option"),
        ("[75%](public:IMPORTANT=)", "as sample:QUESTION=option"),
        ("[75%](public:IMPORTANT=1,1)", "an option is named twice"),
    ],
)
def test_a_link_that_is_not_a_figure_is_a_problem(text, says):
    summary = summary_read(f"Adults: {text}.")
    assert len(summary.problems) == 1 and says in summary.problems[0], summary.problems
    assert summary.problems[0].startswith(f"“{text}” in paragraph 1")
    assert summary.paragraphs[0].figures == [] or "twice" in says


def test_text_with_no_figures_has_no_problems_and_hostile_text_is_kept_as_text():
    text = "<script>alert(1)</script> \x00 [unclosed( ] (  " + "x" * 20000
    summary = summary_read(text)
    assert summary.problems == ()
    assert summary.paragraphs[0].pieces[0].text.startswith("<script>")


def test_whole_percentages_round_halves_up():
    assert [whole_percent(s) for s in (0.0, 0.004999, 0.005, 0.745, 0.7449, 0.995, 1.0)] == [0, 0, 1, 75, 74, 100, 100]
    assert one_decimal(0.12345) == 12.3 and one_decimal(0.12351) == 12.4


def test_a_chart_draws_each_bar_to_scale_with_its_interval_under_it():
    chart = bar_chart([BarRow("Very important", 0.75, 0.7, 0.8), BarRow("Fairly important", 0.25, 0.2, 0.3)])
    first, second = chart.bars
    assert (first.width, second.width) == (0.75 * PLOT, 0.25 * PLOT)
    assert (first.value, second.value) == ("75%", "25%")
    assert first.interval == (0.7 * PLOT, 0.8 * PLOT, first.y + 19)
    assert first.value_x == 0.8 * PLOT + 6  # after the interval, which ends past the bar
    assert second.y > first.interval[2], "bars do not overlap"
    assert chart.view_box == f"0 0 340 {chart.height:g}"
    assert first.interval_path.startswith("M196 ")


def test_a_chart_without_intervals_and_with_a_long_label_wraps_it():
    label = "A very long option label that cannot fit on one line of a phone screen at all"
    (bar,) = bar_chart([BarRow(label, 0.0)]).bars
    assert len(bar.label_lines) == 2 and " ".join(t for _, t in bar.label_lines) == label
    assert bar.interval is None and bar.interval_path == "" and bar.width == 0 and bar.value == "0%"
