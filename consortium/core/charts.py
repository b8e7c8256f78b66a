"""Charts drawn server-side as SVG: accessible (role="img", <title>, <desc>), no script,
no external resource, the same markup in a web page and in a WeasyPrint PDF.

    bar_chart_svg(title=..., description=..., rows=[(label, value), ...])

returns safe markup; a screen reader announces the title and the description, which
should state the figures (the chart repeats a table, never replaces it).
"""

from itertools import count

from django.utils.html import format_html
from django.utils.safestring import mark_safe

_ids = count(1)

WIDTH = 640
ROW = 22
LABEL_WIDTH = 230
VALUE_WIDTH = 70
COLOUR = "#1f6f7f"


def _format(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def _shorten(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart_svg(*, title: str, description: str, rows, width: int = WIDTH) -> str:
    """A horizontal bar chart of `rows` [(label, value)], labels on the left."""
    rows = [(str(label), value or 0) for label, value in rows]
    number = next(_ids)
    largest = max((value for _label, value in rows), default=0) or 1
    bar_space = width - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(rows) + 8
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{}" '
            'height="{}" viewBox="0 0 {} {}" aria-labelledby="chart-{}-title chart-{}-desc">'
            '<title id="chart-{}-title">{}</title><desc id="chart-{}-desc">{}</desc>',
            width,
            height,
            width,
            height,
            number,
            number,
            number,
            title,
            number,
            description,
        )
    ]
    for index, (label, value) in enumerate(rows):
        y = 4 + index * ROW
        bar = round(bar_space * value / largest, 1)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="10" fill="#1b1b1b">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="10" fill="#1b1b1b">{}</text>',
                LABEL_WIDTH - 6,
                y + 14,
                _shorten(label),
                LABEL_WIDTH,
                y + 3,
                bar,
                ROW - 8,
                COLOUR,
                LABEL_WIDTH + bar + 4,
                y + 14,
                _format(value),
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(map(str, parts)))  # noqa: S308 (format_html parts, our own tags)
