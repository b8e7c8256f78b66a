"""makemessages that also fills the plural entries of the source-language catalogue.

The interface is written in French, so the French catalogue leaves singular strings
untranslated. Plural strings cannot be left so: without an entry, gettext falls back to the
English rule (singular only for 1) and prints "0 dossiers". French takes the singular for 0
and 1, so each French plural entry repeats its two source forms under that rule.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages

FRENCH_PLURAL_FORMS = "nplurals=2; plural=(n > 1);"
_PLURAL_FORMS_HEADER = re.compile(r'"Plural-Forms:.*?\\n"\n', re.DOTALL)


def _literal_lines(lines: list[str], keyword: str) -> list[str]:
    """The quoted lines of one field (`msgid`, `msgid_plural`), keyword removed."""
    start = next(i for i, line in enumerate(lines) if line.startswith(keyword + " "))
    literal = [lines[start][len(keyword) + 1 :]]
    for line in lines[start + 1 :]:
        if not line.startswith('"'):
            break
        literal.append(line)
    return literal


def _fill_plural_entry(entry: str) -> str:
    lines = entry.split("\n")
    if not any(line.startswith("msgid_plural ") for line in lines):
        return entry
    singular = _literal_lines(lines, "msgid")
    plural = _literal_lines(lines, "msgid_plural")
    first_msgstr = next(i for i, line in enumerate(lines) if line.startswith("msgstr["))
    kept = []
    for line in lines[:first_msgstr]:
        if line.startswith("#|"):
            continue  # msgmerge's previous msgid, meaningless once the entry is filled
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
            if not flags:
                continue
            line = "#, " + ", ".join(flags)
        kept.append(line)
    filled = ["msgstr[0] " + singular[0], *singular[1:], "msgstr[1] " + plural[0], *plural[1:]]
    return "\n".join(kept + filled)


def fill_source_plurals(text: str) -> str:
    """The .po text with the French plural rule and every plural entry filled."""
    text = _PLURAL_FORMS_HEADER.sub(f'"Plural-Forms: {FRENCH_PLURAL_FORMS}\\\\n"\n', text, 1)
    entries = text.split("\n\n")
    return "\n\n".join(
        entry if "\n#~" in "\n" + entry else _fill_plural_entry(entry) for entry in entries
    )


class Command(makemessages.Command):
    def write_po_file(self, potfile, locale):
        super().write_po_file(potfile, locale)
        if locale != settings.LANGUAGE_CODE:
            return
        pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        pofile.write_text(fill_source_plurals(pofile.read_text(encoding="utf-8")), "utf-8")
