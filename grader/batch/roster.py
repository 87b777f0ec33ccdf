"""The class roster (`--roster roster.csv`: id, name, email): who the submissions belong to, and who
submitted nothing.

A submission is matched to a person by the LMS id in its name, then by e-mail, then by name (letters
and digits only, either order of given and family name, the way Canvas squeezes `Alice Smith` into
`smithalice`). The roster is the instructor's file; it is still read with bounds and its text cleaned.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from grader.batch.lms import Origin
from grader.batch.names import compact, shown_name
from grader.errors import UsageError

MAX_ROSTER_BYTES = 8 * 2**20
COLUMNS = {"id": ("id", "sid", "student id", "user id", "sis user id", "identifier"),
           "name": ("name", "full name", "student", "student name"),
           "email": ("email", "e-mail", "email address")}


@dataclass(frozen=True)
class Person:
    """One row of the roster."""

    id: str
    """The LMS's id of the learner (what the exports are keyed by)."""
    name: str
    """The learner's name as the roster gives it (shown in the gradebook)."""
    email: str = ""
    """Their e-mail address (may be empty)."""


def read_roster(path: Path) -> list[Person]:
    """The roster's people; a UsageError that says what is wrong with the file."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_ROSTER_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"--roster: {path} cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise UsageError(f"--roster: {path} is larger than {MAX_ROSTER_BYTES // 2**20} MB")
    try:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig", "replace"))))
    except csv.Error as exc:
        raise UsageError(f"--roster: {path} is not a CSV file that can be read ({exc})") from None
    if not rows:
        raise UsageError(f"--roster: {path} is empty", hint="Write a header `id,name,email` and a "
                                                           "row per learner.")
    header = [h.strip().lower() for h in rows[0]]
    where = {}
    for column, accepted in COLUMNS.items():
        where[column] = next((header.index(a) for a in accepted if a in header), None)
    if where["id"] is None or where["name"] is None:
        raise UsageError(f"--roster: {path} needs the columns id and name (and optionally email)",
                         hint=f"Its header is: {', '.join(rows[0])}")
    people, seen = [], set()
    for row in rows[1:]:
        cell = lambda c: shown_name(row[where[c]]).strip() if where[c] is not None and where[c] < len(row) else ""  # noqa: E731
        person = Person(id=cell("id"), name=cell("name"), email=cell("email"))
        if person.id in ("", "?") or person.id in seen:
            continue
        seen.add(person.id)
        people.append(person)
    return people


class Roster:
    """Finds the person a submission belongs to."""

    def __init__(self, people: list[Person]):
        self.people = people
        self.by_id = {p.id: p for p in people}
        self.by_email = {p.email.casefold(): p for p in people if p.email}
        self.by_name: dict[str, list[Person]] = {}
        for p in people:
            words = [compact(w) for w in p.name.replace(",", " ").split()]
            for form in {compact(p.name), "".join(words[1:] + words[:1]), "".join(reversed(words))}:
                if form:
                    self.by_name.setdefault(form, []).append(p)

    def match(self, origin: Origin) -> Person | None:
        if origin.id and origin.id in self.by_id:
            return self.by_id[origin.id]
        if origin.email and origin.email.casefold() in self.by_email:
            return self.by_email[origin.email.casefold()]
        if origin.lms == "plain" and origin.name in self.by_id:
            return self.by_id[origin.name]
        if origin.lms == "plain" and origin.name.casefold() in self.by_email:
            return self.by_email[origin.name.casefold()]
        found = self.by_name.get(compact(origin.name), [])
        return found[0] if len(found) == 1 else None
