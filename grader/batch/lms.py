"""The shapes in which learning-management systems hand out a class's submissions.

- Canvas ("Download Submissions"): every file flat in one folder, named
  `<name>_[LATE_]<user id>_<attachment id>_<original name>` (`smithalice_LATE_4321_998877_ch6.py`);
  `<name>` is the learner's sortable name squeezed to lower-case letters, `LATE_` marks a submission
  after the due date, and text or link entries end in `_text.html` / `_link.webloc`.
- Moodle ("Download all submissions", in folders): one folder per person and plugin,
  `<Full Name>_<participant id>_assignsubmission_file_`; without folders, the same prefix on each file.
- Gradescope ("Export Submissions"): one folder `submission_<id>` per submission and
  `submission_metadata.yml` mapping each folder to its submitters (`:name:`, `:sid:`, `:email:`) and
  its time (`:created_at:`).

`Origin` is what such a name tells about a learner; it is untrusted text like any name (the files'
names were chosen by the learners, the LMS only prefixed them), and is cleaned where it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

CANVAS_FILE = re.compile(r"^(?P<name>[A-Za-z0-9-]+)_(?P<late>LATE_)?(?P<id>\d+)_(?P<attachment>\d+)_"
                         r"(?P<original>.+)$")
CANVAS_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9-]+)_(?P<late>LATE_)?(?P<id>\d+)_"
                          r"(?P<original>text\.html|link\.webloc|media\.\w+)$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z]+)_"
                    r"(?P<original>.*)$")
GRADESCOPE_METADATA = "submission_metadata.yml"
GRADESCOPE_FOLDER = re.compile(r"^submission_\d+$")
MAX_METADATA_BYTES = 16 * 2**20


@dataclass
class Origin:
    """Who an entry belongs to, according to the LMS that exported it."""

    lms: str
    """`canvas`, `moodle`, `gradescope`, or `plain` (a file or folder named after the learner)."""
    name: str
    """The learner's name as the export gives it (Canvas: `smithalice`)."""
    id: str = ""
    """The LMS's id of the learner (Canvas user id, Moodle participant id, Gradescope SID)."""
    late: bool | None = None
    """The LMS marked the submission late (Canvas `LATE_`); None when the export does not say."""
    submitted_at: str = ""
    """When it was submitted (ISO 8601), where the export says (Gradescope)."""
    email: str = ""
    """The learner's e-mail address, where the export gives it (Gradescope)."""
    members: list[dict[str, str]] = field(default_factory=list)
    """Every submitter of a group submission (`name`, `id`, `email`), the first one included."""

    @property
    def identity(self) -> str:
        """What makes two entries one learner: the LMS id where there is one, else the name."""
        return f"{self.lms}:{self.id}" if self.id else f"name:{self.name}"


def canvas_file(name: str) -> tuple[Origin, str] | None:
    """(origin, original file name) of a Canvas download's file, or None for another shape."""
    match = CANVAS_FILE.match(name) or CANVAS_ENTRY.match(name)
    if not match:
        return None
    return Origin("canvas", match["name"], id=match["id"], late=bool(match["late"])), match["original"]


def moodle_name(name: str) -> tuple[Origin, str] | None:
    """(origin, original file name or "") of a Moodle folder or file name, or None."""
    match = MOODLE.match(name)
    if not match:
        return None
    return Origin("moodle", match["name"], id=match["id"]), match["original"]


def read_gradescope_metadata(path: Path) -> dict[str, Origin]:
    """Folder name -> origin, from a Gradescope export's `submission_metadata.yml`; raises ValueError."""
    import yaml

    with open(path, "rb") as handle:
        raw = handle.read(MAX_METADATA_BYTES + 1)
    if len(raw) > MAX_METADATA_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_METADATA_BYTES // 2**20} MB")
    try:
        data = yaml.safe_load(raw.decode("utf-8", "replace"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name} is not valid YAML ({str(exc).splitlines()[0]})") from None
    except RecursionError:
        raise ValueError(f"{path.name} is nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} does not map submission folders to their submitters")
    out = {}
    for folder, entry in data.items():
        if not isinstance(entry, dict):
            continue
        members = [_member(s) for s in _get(entry, "submitters") or [] if isinstance(s, dict)]
        if not members:
            continue
        first = members[0]
        out[str(folder)] = Origin("gradescope", first["name"] or str(folder), id=first["id"],
                                  email=first["email"], members=members,
                                  submitted_at=_when(_get(entry, "created_at")))
    return out


def _get(entry: dict, key: str) -> Any:
    """Gradescope writes Ruby symbols as keys (`:name:`); accept plain keys too."""
    return entry.get(f":{key}", entry.get(key))


def _member(data: dict) -> dict[str, str]:
    return {k: str(_get(data, src) or "") for k, src in (("name", "name"), ("id", "sid"),
                                                          ("email", "email"))}


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value or "").strip()
    parsed = parse_time(text)
    return parsed.isoformat(timespec="seconds") if parsed else text


def parse_time(text: str) -> datetime | None:
    """A timestamp as LMS exports and instructors write it (`2026-12-04 17:30:00.123 -0800`,
    `2026-12-04T17:30`), or None."""
    text = text.strip()
    match = re.match(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?$", text)
    if not match:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
    zone = match[3] or ""
    if zone == "Z":
        zone = "+00:00"
    elif zone and ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    clock = match[2] if match[2].count(":") == 2 else match[2] + ":00"
    try:
        return datetime.fromisoformat(f"{match[1]}T{clock}{zone}")
    except ValueError:
        return None
