"""Hostile input, built once: hypothesis strategies, the forms of a page, the database's
state and what a refusal must look like.

Used by tests/test_hostile_input.py (lists' query strings, a need),
tests/test_hostile_forms.py (every form of the project, from a table) and
tests/test_hostile_uploads.py.
"""

import re
import struct
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms import BaseForm, BaseFormSet
from hypothesis import strategies as st

# --- Characters and values ---------------------------------------------------------------

CONTROLS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85]))
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Look-alikes of Latin letters: Cyrillic, Greek, full-width, mathematical, ligature.
CONFUSABLE = "\u0430\u0435\u043e\u0440\u0441\u0445\u03bf\u03b1\uff21\U0001d400\ufb01\u2126"
MARKUP = "'\"<>&%;\\/{}$`|*?#=+"
NASTY = CONTROLS + BIDI + INVISIBLE + CONFUSABLE + MARKUP

MALFORMED_DATES = [
    "2026-02-30",
    "2026-13-01",
    "31/12/2026",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "2026-01-01T25:61",
    "2026-06-01 24:00",
    "25:61",
    "demain",
    "\u0662\u0660\u0662\u0666-01-01",
]
MALFORMED_NUMBERS = [
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "1,5",
    "1.5",
    "0x10",
    " 3 ",
    "\u0661\u0662",
    "9" * 30,
    str(2**31),
    str(2**63),
]
# Ids as a tampered hidden field or choice may carry them: not numbers, negative, huge.
TAMPERED_IDS = ["", "abc", "-1", "0", "1.0", "1 OR 1=1", "[]", str(2**31), str(2**63), "9" * 25]

text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(NASTY), max_size=40)
long_text = st.builds(
    lambda n, c: c * n, st.sampled_from([256, 1001, 5001]), st.sampled_from("aé<\u202e")
)
malformed = st.sampled_from(MALFORMED_DATES + MALFORMED_NUMBERS + TAMPERED_IDS)
# Any value a field may be sent, whatever it expects.
hostile_value = st.one_of(text, long_text, malformed)


def png(width: int, height: int, *, truncate: bool = False) -> bytes:
    """A PNG announcing `width` x `height`; `truncate`: one row of pixels only (a few
    hundred bytes announcing millions of pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00\x00\x00" * width) * (1 if truncate else height)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)


# Uploads a file field may be sent: empty, polyglot, a wrong or hidden extension, huge
# dimensions, a decompression bomb, a name with path separators or controls.
HOSTILE_FILES = [
    ("grande.png", png(10000, 5000, truncate=True)),
    ("bombe.png", png(20000, 20000, truncate=True)),
    ("petite.png", png(2, 2)),
    ("vide.pdf", b""),
    ("polyglotte.pdf", b"<html><script>alert(1)</script>%PDF-1.4"),
    ("image.png", b"%PDF-1.4 not an image"),
    ("programme.exe", b"MZ\x90\x00"),
    ("page.html", b"<script>alert(1)</script>"),
    ("../../etc/passwd.csv", b"nom;secteur\n"),
    ("..\\..\\boot.ini.pdf", b"%PDF-1.4"),
    ("nom\u202efdp.exe", b"MZ"),
    ("\x00.pdf", b"%PDF-1.4"),
]


def hostile_files() -> st.SearchStrategy:
    return st.sampled_from(HOSTILE_FILES).map(lambda case: SimpleUploadedFile(*case))


# --- The forms of a page -----------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    values: list[str] = field(default_factory=list)  # what the page sends as it is
    options: list[str] = field(default_factory=list)  # a choice's offered values


@dataclass
class PageForm:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path, self.forms, self.form = page_path, [], None
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.form = PageForm(attrs.get("action") or self.page_path)
            self.forms.append(self.form)
        elif self.form is None or not attrs.get("name"):
            return
        elif tag in ("input", "button"):
            self._input(tag, attrs)
        elif tag == "select":
            kind = "select-multiple" if "multiple" in attrs else "select"
            self.select = self._field(attrs["name"], kind)
        elif tag == "textarea":
            self.textarea = self._field(attrs["name"], "textarea")
            self.textarea.values.append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.values[-1] += data

    def _field(self, name: str, kind: str) -> Field:
        return self.form.fields.setdefault(name, Field(name, kind))

    def _input(self, tag, attrs):
        kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
        one = self._field(attrs["name"], kind)
        value = attrs.get("value") or ""
        if kind in ("checkbox", "radio"):
            one.options.append(value or "on")
            if "checked" in attrs:
                one.values.append(value or "on")
        elif kind not in ("submit", "file"):
            one.values.append(value)

    def _option(self, attrs):
        value = attrs.get("value", "")
        self.select.options.append(value)
        if "selected" in attrs:
            self.select.values.append(value)


class _Parser(_FormParser):
    def handle_starttag(self, tag, attrs):
        if tag == "option" and self.select is not None:
            self._option(dict(attrs))
        else:
            super().handle_starttag(tag, attrs)


def page_forms(html: str, page_path: str) -> list[PageForm]:
    """The POST forms of a page, with what each field would send untouched."""
    parser = _Parser(page_path)
    parser.feed(html)
    return parser.forms


def field_value(one: Field, ids: list[str]) -> st.SearchStrategy:
    """What a hostile visitor may send in `one`: what the page sends, another offered
    choice, any hostile value, an id of an object of the sample data."""
    offered = [*one.values, *one.options, *ids] or [""]
    single = st.one_of(st.sampled_from(offered), hostile_value)
    if one.kind in ("checkbox", "select-multiple"):
        return st.lists(single, max_size=3)
    return single.map(lambda value: [value])


def untouched(form: PageForm) -> dict[str, list[str]]:
    return {name: one.values for name, one in form.fields.items() if one.values}


# --- The database's state ----------------------------------------------------------------

# Rows every request may write (sessions), whatever its outcome.
ALWAYS_WRITTEN = {"django_session"}
NAME_COLUMNS = {"name", "title", "first_name", "last_name", "subject", "label"}
# Where a FileField keeps the stored name: no way up, no backslash, no control.
FILE_COLUMNS = {"file", "image", "attachment"}
UNSAFE_IN_FILE_NAMES = re.compile(rf"\.\./|\\|^/|[{CONTROLS}{BIDI}]")


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def snapshot() -> dict[str, dict[tuple, tuple]]:
    """Every row of every table (small test databases), keyed by table then by row."""
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in ALWAYS_WRITTEN:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = tuple(column[0] for column in cursor.description)
            rows = {tuple(map(_plain, row)) for row in cursor.fetchall()}
            state[table] = dict.fromkeys(rows, columns)
    return state


def changed_tables(before: dict, after: dict) -> set[str]:
    return {
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    }


def new_rows(before: dict, after: dict):
    """(table, column, value) of every text in rows added or changed."""
    for table, rows in after.items():
        for row, columns in rows.items():
            if row not in before.get(table, {}):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str):
                        yield table, column, value


def smuggled(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """Texts stored that should never be: a NUL anywhere, a direction control in a name."""
    found = []
    for table, column, value in new_rows(before, after):
        if (
            "\x00" in value
            or (column in NAME_COLUMNS and any(c in value for c in BIDI[:9]))
            or (column in FILE_COLUMNS and UNSAFE_IN_FILE_NAMES.search(value))
        ):
            found.append((table, column, value[:80]))
    return found


# --- What a refusal looks like -----------------------------------------------------------

# Words of Django's and allauth's English messages: an error in English was not translated.
ENGLISH = re.compile(
    r"\b(this field|enter a|select a|ensure this|is required|must be|please|the|invalid|"
    r"not a valid|you)\b",
    re.IGNORECASE,
)


def form_errors(response) -> list[str]:
    """The error messages of the forms a page was rendered with."""
    errors = []
    for context in response.context or []:
        for value in (context.flatten() if hasattr(context, "flatten") else context).values():
            forms = value.forms if isinstance(value, BaseFormSet) else [value]
            for form in forms:
                if isinstance(form, BaseForm) and form.is_bound:
                    errors += [str(m) for ms in form.errors.values() for m in ms]
            if isinstance(value, BaseFormSet) and value.is_bound:
                errors += [str(m) for m in value.non_form_errors()]
    return errors


def warnings(response) -> list[str]:
    """The warnings and errors the request queued with the messages framework."""
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= message_levels.WARNING]


def is_french(message: str) -> bool:
    return bool(message.strip()) and not ENGLISH.search(message)
