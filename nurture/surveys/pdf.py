"""A published report as a printable PDF (fpdf2), from its frozen content, so the PDF says
exactly what the public page says: the summary with its figures, each item's chart drawn
as bars with the numbers beside them and its table, the quotes, the methods statement and
the full tables. Made by a background task (`tasks.report_pdf_make`), never in a request.

The PDF's built-in fonts cover Latin-1 only: typographic quotes, dashes and × are written
as their plain equivalents, and anything else outside Latin-1 as "?"."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from nurture.surveys.report_selectors import ReportContent, SampleFacts, Table

PLAIN = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "×": "x", "…": "...", "≥": ">=", "≤": "<=", "−": "-"}
)
INK = (31, 41, 51)
BAR = (46, 107, 86)
MUTED = (90, 98, 108)


def plain(text: str) -> str:
    return text.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


class _Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.report_title = plain(title)
        self.set_title(self.report_title)
        self.set_author("Nurture")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"{self.report_title} - page {self.page_no()}", align="C")

    def heading(self, text: str, size: float) -> None:
        self.set_font("Helvetica", style="B", size=size)
        self.set_text_color(*INK)
        self.multi_cell(0, size * 0.5, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def paragraph(self, text: str, *, size: float = 10, colour: tuple[int, int, int] = INK) -> None:
        self.set_font("Helvetica", size=size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def chart(self, table: Table) -> None:
        """Horizontal bars, one per option, the percentage written at the end of each."""
        label_width, bar_width, height = 62.0, 95.0, 6.0
        self.set_font("Helvetica", size=8.5)
        for option in table.options:
            if self.will_page_break(height + 1):
                self.add_page()
            x, y = self.l_margin, self.get_y()
            self.set_text_color(*INK)
            self.set_xy(x, y)
            self.cell(label_width, height, plain(option.label)[:48])
            self.set_fill_color(*BAR)
            width = max(0.3, bar_width * option.share)
            self.rect(x + label_width, y + 1, width, height - 2, style="F")
            self.set_xy(x + label_width + width + 1.5, y)
            self.cell(20, height, _percent(option.share))
            self.set_y(y + height)
        self.ln(2)

    def numbers(self, table: Table) -> None:
        self.set_font("Helvetica", size=8.5)
        self.set_text_color(*INK)
        headings = ["Answer", "Per cent", "95% interval", "Respondents"] if table.interval else [
            "Answer", "Per cent", "Respondents"
        ]  # fmt: skip
        widths = (70, 25, 40, 30) if table.interval else (90, 35, 40)
        with self.table(col_widths=widths, text_align="LEFT", first_row_as_headings=True, line_height=5) as grid:
            row = grid.row()
            for heading in headings:
                row.cell(heading)
            for option in table.options:
                row = grid.row()
                row.cell(plain(option.label))
                row.cell(_percent(option.share))
                if table.interval:
                    interval = (
                        f"{option.low * 100:.1f} to {option.high * 100:.1f}"
                        if option.low is not None and option.high is not None
                        else "-"
                    )
                    row.cell(interval)
                row.cell(str(option.count))
        base = f"Base: {table.base:,} answered (unweighted)"
        if table.interval:
            base += f"; weighted base {table.weighted_base:,.0f}"
        self.paragraph(base, size=8, colour=MUTED)

    def question_table(self, table: Table) -> None:
        self.heading(f"{table.question}: {table.wording} ({table.sample_name})", 10)
        self.chart(table)
        self.numbers(table)

    def methods(self, content: ReportContent) -> None:
        self.add_page()
        self.heading("How the survey was done", 14)
        if content.commissioned_by:
            self.paragraph(f"Commissioned by {content.commissioned_by}.")
        if content.conducted_by:
            self.paragraph(f"Conducted by {content.conducted_by}.")
        for sample in content.samples:
            self._sample(sample)

    def _sample(self, sample: SampleFacts) -> None:
        self.heading(sample.name, 11)
        dates = ""
        if sample.first_completed and sample.last_completed:
            dates = f" Fieldwork: {sample.first_completed:%-d %B %Y} to {sample.last_completed:%-d %B %Y}."
        self.paragraph(
            f"{sample.kind_label}. Population: {sample.population}. Coverage: {sample.coverage}. "
            f"Method: {sample.method}. Respondents: {sample.respondents:,}.{dates}"
        )
        if sample.opt_in:
            self.paragraph(
                "This sample is opt-in: respondents chose themselves, so their chance of being included is "
                "unknown and no margin of error can be calculated. Its results describe those who answered.",
                colour=MUTED,
            )
        if sample.weighted:
            deff = f" Design effect of the weights {sample.design_effect:.2f}." if sample.design_effect else ""
            self.paragraph(
                f"Weighted by raking to the targets below, each weight kept between {sample.lower} and "
                f"{sample.upper} times the base weight.{deff}"
            )
            for target in sample.targets:
                shares = "; ".join(f"{c.name} {c.share}%" for c in target.categories)
                source = f" (source: {target.source})" if target.source else ""
                self.paragraph(f"{target.label}{source}: {shares}", size=8.5)


def report_pdf(content: ReportContent) -> bytes:
    document = _Document(content.title)
    document.add_page()
    document.heading(content.title, 18)
    published = f"Published {content.published_at:%-d %B %Y}. " if content.published_at else ""
    document.paragraph(f"{published}From the survey: {content.survey_title}.", size=9, colour=MUTED)
    for paragraph in content.paragraphs:
        document.paragraph("".join(segment.text for segment in paragraph.segments), size=11)
    for item in content.items:
        if item.quote is not None:
            document.paragraph(f'"{item.quote.text}"', size=11)
            document.paragraph(f"- {item.quote.attribution}, answering: {item.quote.wording}", size=9, colour=MUTED)
        if item.comparison is not None:
            facts = item.comparison
            document.heading(f"{facts.question}: {facts.wording}", 10)
            for side in (facts.first, facts.second):
                document.paragraph(
                    f"{side.sample_name}: {_percent(side.share)} {plain(facts.answer)} (base {side.base:,})"
                )
            if facts.p_value is not None:
                document.paragraph(f"Difference {facts.difference * 100:+.1f} points, p = {facts.p_value:.3f}.", size=9)
            elif facts.note:
                document.paragraph(facts.note, size=9, colour=MUTED)
        for table in item.tables:
            document.question_table(table)
        if item.note:
            document.paragraph(item.note, size=9, colour=MUTED)
    document.methods(content)
    document.add_page()
    document.heading("Full tables", 14)
    for table in content.tables:
        document.question_table(table)
    return bytes(document.output())
