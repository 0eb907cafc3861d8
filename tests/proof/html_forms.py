"""Read a page's POST form from its HTML: each field's name, kind and current value.

The bad-input fuzzer drives every form this way, so a field added to a form is fuzzed
without anyone listing it: text inputs and text areas are free text; selects, radios
and checkboxes take codes; a hidden `version` is a number; `<name>_0/_1/_2` inputs are
a GOV.UK date (day, month, year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass(frozen=True)
class Text:
    """A free-text field."""


@dataclass(frozen=True)
class DateParts:
    """A GOV.UK date input: posted as `<name>_0`, `_1`, `_2` (day, month, year)."""


@dataclass(frozen=True)
class Choice:
    """A field taking one of a fixed set of codes (several, for checkboxes)."""

    codes: tuple[str, ...]
    multiple: bool = False


@dataclass(frozen=True)
class Number:
    """A whole number (hidden version numbers)."""


@dataclass
class _Form:
    action: str
    method: str
    inputs: list[dict] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._textarea: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = _Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            self._form.inputs.append(
                {
                    "tag": "input",
                    "type": kind,
                    "name": a["name"],
                    # A checkbox or radio without a value attribute posts "on".
                    "value": a.get(
                        "value", "on" if kind in {"checkbox", "radio"} else ""
                    ),
                    "checked": "checked" in a,
                }
            )
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"tag": "textarea", "name": a["name"], "value": ""}
            self._form.inputs.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {
                "tag": "select",
                "name": a["name"],
                "options": [],
                "value": None,
                "multiple": "multiple" in a,
            }
            self._form.inputs.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._select["options"].append(value if value is not None else "")
            if "selected" in a or self._select["value"] is None:
                self._select["value"] = value or ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def post_form_fields(
    html: str, url: str
) -> tuple[dict[str, object], dict[str, object]]:
    """The page's POST form for `url`: (name -> kind, name -> current value).

    The form chosen is the first POST form whose action is empty or is `url` (the header's
    sign-out form posts elsewhere). A date's current value is a (day, month, year) tuple.
    """
    parser = _Parser()
    parser.feed(html)
    forms = [f for f in parser.forms if f.method == "post" and f.action in ("", url)]
    if not forms:
        raise LookupError(f"no POST form for {url} on the page")
    kinds: dict[str, object] = {}
    values: dict[str, object] = {}
    names = {i["name"] for i in forms[0].inputs}
    for item in forms[0].inputs:
        name = item["name"]
        if name == "csrfmiddlewaretoken":
            continue
        stem, _, part = name.rpartition("_")
        if part in {"0", "1", "2"} and {f"{stem}_{i}" for i in range(3)} <= names:
            parts = values.setdefault(stem, ["", "", ""])
            parts[int(part)] = item["value"]
            kinds[stem] = DateParts()
            continue
        if item["tag"] == "select":
            kinds[name] = Choice(tuple(item["options"]), item["multiple"])
            values[name] = item["value"] or ""
        elif item["tag"] == "textarea":
            kinds[name], values[name] = Text(), item["value"].lstrip("\n")
        elif item["type"] in {"radio", "checkbox"}:
            multiple = item["type"] == "checkbox"
            previous = kinds.get(name)
            codes = (previous.codes if previous else ()) + (item["value"],)
            kinds[name] = Choice(codes, multiple)
            if multiple:
                chosen = values.setdefault(name, [])
                if item["checked"]:
                    chosen.append(item["value"])
            elif item["checked"] or name not in values:
                values[name] = item["value"] if item["checked"] else ""
        elif item["type"] == "hidden" and name == "version":
            kinds[name], values[name] = Number(), item["value"]
        else:
            kinds[name], values[name] = Text(), item["value"]
    values = {
        k: tuple(v) if k in kinds and isinstance(kinds[k], DateParts) else v
        for k, v in values.items()
    }
    return kinds, values
