"""What the notes example (examples/notes) must answer, shared by the two client drivers of
tests/e2e/notes_clients.sh (notes_fastmcp.py and notes_inspector.py), and their PASS/FAIL reporting.

Every scenario (one per client and protocol revision) starts with the admin server's `wipe`, so the
notes it creates get the ids 1, 2, 3 (`create_note` takes the highest id + 1) whatever ran before.
Standard library only: notes_inspector.py runs under any python3.
"""

import copy
import sys

NOTES_TOOLS = ["archive_note", "create_note", "get_note", "search_notes", "stats"]
ADMIN_TOOLS = ["stats", "wipe"]  # `wipe` is admin's alone: the notes server must not list it

# (case, create_note arguments, the note the server must return). The last two are the regression:
# a structured result with `null` fields (`meta.author.email`, `rating`) must pass each client's
# validation against the tool's outputSchema, whether the caller left the fields out or sent null.
CREATES = [
    (
        "fields-set",
        {
            "title": "Groceries",
            "body": "Milk, eggs and bread",
            "tags": ["home", "errands"],
            "meta": {
                "author": {"name": "Ada Lovelace", "email": "ada@example.org"},
                "priority": {"kind": "due", "date": "2026-08-01"},
            },
            "rating": 4,
        },
        {
            "id": 1,
            "title": "Groceries",
            "body": "Milk, eggs and bread",
            "tags": ["home", "errands"],
            "meta": {
                "author": {"name": "Ada Lovelace", "email": "ada@example.org"},
                "priority": {"kind": "due", "date": "2026-08-01"},
            },
            "rating": 4,
        },
    ),
    (
        "null-fields",  # email, rating and tags left out: email and rating come back as null, tags as []
        {
            "title": "Call the plumber",
            "body": "The kitchen tap drips",
            "meta": {"author": {"name": "Grace Hopper"}, "priority": {"kind": "low"}},
        },
        {
            "id": 2,
            "title": "Call the plumber",
            "body": "The kitchen tap drips",
            "tags": [],
            "meta": {"author": {"name": "Grace Hopper", "email": None}, "priority": {"kind": "low"}},
            "rating": None,
        },
    ),
    (
        "explicit-null-fields",  # email and rating sent as null
        {
            "title": "Read a book",
            "body": "Anything by Le Guin",
            "tags": ["home"],
            "meta": {"author": {"name": "Alan Turing", "email": None}, "priority": {"kind": "high"}},
            "rating": None,
        },
        {
            "id": 3,
            "title": "Read a book",
            "body": "Anything by Le Guin",
            "tags": ["home"],
            "meta": {"author": {"name": "Alan Turing", "email": None}, "priority": {"kind": "high"}},
            "rating": None,
        },
    ),
]
NOTE = {want["id"]: want for _, _, want in CREATES}  # id -> the note as created
MISSING_ID = 999

# search_notes arguments -> the hits ({"result": [...]} is the structured content: a list is wrapped).
SEARCHES = [
    ({"query": "PLUMBER"}, [{"id": 2, "title": "Call the plumber"}]),  # case-insensitive, title
    ({"query": "le guin"}, [{"id": 3, "title": "Read a book"}]),  # body
    ({"query": "", "tag": "home"}, [{"id": 1, "title": "Groceries"}, {"id": 3, "title": "Read a book"}]),
    ({"query": "", "limit": 2}, [{"id": 1, "title": "Groceries"}, {"id": 2, "title": "Call the plumber"}]),
    ({"query": "no such text"}, []),
]

ARCHIVE_ID = 1


def archived(note):
    """`note` after archive_note: the same with `archived` set (absent before)."""
    out = copy.deepcopy(note)
    out["archived"] = "2026-01-01"
    return out


STATS_AFTER = {"notes": 3, "archived": 1}  # after the three creates and one archive


def review_text(note_id, style="brief"):
    """The review_note prompt's single user message."""
    note = NOTE[note_id]
    return f"Give a {style} review of this note.\n\n# {note['title']}\n\n{note['body']}"


# completion/complete: (reference kind, reference, argument, typed value) -> values
COMPLETIONS = [
    ("ref/resource", "notes://{id}", "id", "", ["1", "2", "3"]),
    ("ref/resource", "notes://{id}", "id", "2", ["2"]),
    ("ref/resource", "notes://{id}", "id", "9", []),
    ("ref/prompt", "review_note", "id", "", ["1", "2", "3"]),
    ("ref/prompt", "review_note", "id", "3", ["3"]),
    ("ref/prompt", "review_note", "style", "", ["brief", "thorough"]),
    ("ref/prompt", "review_note", "style", "t", ["thorough"]),
]

PROMPT_ARGS = [("id", True), ("style", False)]  # review_note's arguments: (name, required)


class Reporter:
    """Prints `PASS <client> <check>` / `FAIL <client> <check>: <detail>` lines, counts failures."""

    def __init__(self):
        self.failures = 0

    def report(self, client, check, error=None):
        if error is None:
            print(f"PASS {client} {check}", flush=True)
        else:
            self.failures += 1
            detail = " | ".join(str(error).splitlines()) or "failed"
            if len(detail) > 1500:
                detail = detail[:1500] + "..."
            print(f"FAIL {client} {check}: {detail}", flush=True)

    def exit(self):
        sys.exit(1 if self.failures else 0)


def expect(cond, detail):
    if not cond:
        raise AssertionError(detail)


def expect_eq(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, expected {want!r}")
