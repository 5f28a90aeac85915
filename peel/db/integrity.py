"""What a refused write means, in plain words: database integrity and data errors become domain errors.

A foreign-key, unique, not-null or check violation, or a value too long for its column, is bad input or a
conflict with the stored records, never a server fault. PostgreSQL names the key in its diagnostics
(``Key (team_id)=(99) is not present in table "teams".``); SQLite names the column for unique and not-null
violations but says only "FOREIGN KEY constraint failed", and enforces no lengths at all. Where the database
does not say, the statement's own table and values are compared with the mapped tables to name the field.

| violation          | SQLSTATE | error        | detail, for example                                 |
|--------------------|----------|--------------|-----------------------------------------------------|
| missing reference  | 23503    | Conflict     | the team 99 does not exist                          |
| still referred to  | 23503    | Conflict     | the team 3 is still referred to by a user           |
| duplicate          | 23505    | Conflict     | a user with this username already exists           |
| missing value      | 23502    | InvalidInput | a user needs a role                                 |
| rule broken        | 23514    | InvalidInput | a value for the unit breaks the rule unit_status_ck |
| too long           | 22001    | InvalidInput | name is too long for a team (at most 80 characters) |
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import MetaData, String, Table
from sqlalchemy.exc import DBAPIError

from peel.core.errors import Conflict, InvalidInput, PeelError

_TABLE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)
_INSERT_COLUMNS = re.compile(r"\(([^)]*)\)\s*VALUES", re.IGNORECASE)
_UPDATE_COLUMNS = re.compile(r"\bSET\s+(.*?)(?:\s+WHERE\b|$)", re.IGNORECASE | re.DOTALL)
_PG_KEY = re.compile(r"Key \((?P<cols>[^)]*)\)=\((?P<vals>.*)\) (?P<rest>.*)$")
_PG_TABLE = re.compile(r'table "(\w+)"')
_SQLITE_COLUMN = re.compile(r"constraint failed: (\w+)\.(\w+)")
UNSTORABLE = "the input holds a value that cannot be stored (for example a NUL character); nothing was changed"


def noun(table: str) -> str:
    """``teams`` → ``team``, ``person_aliases`` → ``person alias``, ``people`` → ``person``."""
    words = table.split("_")
    last = words[-1]
    if last == "people":
        last = "person"
    elif last.endswith(("sses", "ases")):
        last = last[:-2]
    elif last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s"):
        last = last[:-1]
    return " ".join([*words[:-1], last])


def field(column: str) -> str:
    """``team_id`` → ``team``, ``collar_number`` → ``collar number``."""
    return column.removesuffix("_id").replace("_", " ")


def _article(word: str) -> str:
    # "a user", "a unit": no table or column name here starts with a vowel sound spelt u.
    return ("an " if word[:1] in "aeio" else "a ") + word


def explain(exc: DBAPIError, metadata: MetaData) -> PeelError:
    """The domain error for a refused statement; every refusal says that nothing was changed."""
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    message = str(exc.orig)
    match = _TABLE.match(exc.statement or "")
    verb, table = (match.group(1).upper(), match.group(2)) if match else ("", "")
    rows = _rows(exc.statement or "", exc.params)
    detail = _pg_detail(exc)
    if state == "23503" or "FOREIGN KEY constraint failed" in message:
        return Conflict(_reference(verb, table, detail, rows, metadata) + "; nothing was changed")
    if state == "23505" or "UNIQUE constraint failed" in message:
        return Conflict(_duplicate(table, detail, message) + "; nothing was changed")
    if state == "23502" or "NOT NULL constraint failed" in message:
        column = _column(exc, message)
        thing = noun(table) if table else "record"
        return InvalidInput(f"{_article(thing)} needs {_article(field(column)) if column else 'every required value'}")
    if state == "23514" or "CHECK constraint failed" in message:
        rule = getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or message.rsplit(":", 1)[-1].strip()
        return InvalidInput(f"a value for the {noun(table) or 'record'} breaks the rule {rule}; nothing was changed")
    too_long = _too_long(table, rows, metadata)
    if too_long:
        return InvalidInput(too_long + "; nothing was changed")
    return InvalidInput(UNSTORABLE)


def _pg_detail(exc: DBAPIError) -> str:
    diag = getattr(exc.orig, "diag", None)
    return str(getattr(diag, "message_detail", "") or "")


def _column(exc: DBAPIError, message: str) -> str:
    diag = getattr(exc.orig, "diag", None)
    column = getattr(diag, "column_name", None)
    if column:
        return str(column)
    found = _SQLITE_COLUMN.search(message)
    return found.group(2) if found else ""


def _reference(verb: str, table: str, detail: str, rows: list[dict[str, Any]], metadata: MetaData) -> str:
    key = _PG_KEY.match(detail)
    if key:
        target = _PG_TABLE.search(key.group("rest"))
        target_noun = noun(target.group(1)) if target else "record"
        if "still referenced" in key.group("rest"):
            return f"the {noun(table)} {key.group('vals')} is still referred to by {_article(target_noun)}"
        return f"the {target_noun} {key.group('vals')} does not exist"
    if verb == "DELETE":
        return f"the {noun(table)} is still referred to by other records"
    # SQLite does not say which key failed: name every reference the statement set.
    mapped = metadata.tables.get(table)
    candidates = sorted(
        {
            f"the {noun(fk.column.table.name)} {row[column.name]}"
            for column in (mapped.columns if mapped is not None else ())
            for fk in column.foreign_keys
            for row in rows
            if row.get(column.name) is not None
        }
    )
    if len(candidates) == 1:
        return f"{candidates[0]} does not exist"
    if candidates:
        return "one of the records it refers to does not exist: " + ", ".join(candidates)
    return "a record it refers to does not exist"


def _duplicate(table: str, detail: str, message: str) -> str:
    key = _PG_KEY.match(detail)
    if key:
        columns = [c.strip().strip('"') for c in key.group("cols").split(",")]
    else:
        columns = [m.group(2) for m in _SQLITE_COLUMN.finditer(message)]
        table = table or (m.group(1) if (m := _SQLITE_COLUMN.search(message)) else "")
    what = " and ".join(field(c) for c in columns) or "key"
    return f"{_article(noun(table) or 'record')} with this {what} already exists"


def _too_long(table: str, rows: list[dict[str, Any]], metadata: MetaData) -> str:
    mapped: Table | None = metadata.tables.get(table)
    if mapped is None:
        return ""
    for column in mapped.columns:
        limit = column.type.length if isinstance(column.type, String) else None
        if limit is None:
            continue
        for row in rows:
            value = row.get(column.name)
            if isinstance(value, str) and len(value) > limit:
                return f"{field(column.name)} is too long for {_article(noun(table))} (at most {limit} characters)"
    return ""


def _rows(statement: str, params: Any) -> list[dict[str, Any]]:
    """The statement's values by column name, for one row or each row of an executemany."""
    if params is None:
        return []
    many = isinstance(params, list) or (isinstance(params, tuple) and params and isinstance(params[0], (tuple, dict)))
    batch: Sequence[Any] = params if many else [params]
    columns = _statement_columns(statement)
    out = []
    for row in batch:
        if isinstance(row, Mapping):
            out.append({str(k): v for k, v in row.items()})
        elif isinstance(row, Sequence) and not isinstance(row, str):
            out.append(dict(zip(columns, row, strict=False)))
    return out


def _statement_columns(statement: str) -> list[str]:
    found = _INSERT_COLUMNS.search(statement)
    if found:
        return [c.strip().strip('"') for c in found.group(1).split(",")]
    found = _UPDATE_COLUMNS.search(statement)
    if found:
        return [part.split("=")[0].strip().strip('"') for part in found.group(1).split(",")]
    return []
