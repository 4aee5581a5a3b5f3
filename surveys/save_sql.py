"""The one SQL statement that writes a save's changed answers and their history rows.

Through the ORM these are two `bulk_create` calls, whose compiling took longer than running
them; every save and autosave makes this write, so it is written out once. The answers and the
history rows travel as two JSON documents.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from django.db import connection

from surveys.structure import AnswerValue

_WRITE = """
WITH history AS (
    INSERT INTO surveys_answerchange
        (response_id, question_id, changed_by_id, changed_at, old_value, new_value)
    SELECT %(response)s, change.question_id, %(by)s, %(at)s, change.old_value, change.new_value
    FROM jsonb_to_recordset(%(changes)s::jsonb)
        AS change(question_id bigint, old_value jsonb, new_value jsonb)
)
INSERT INTO surveys_answer
    (response_id, question_id, option_id, number, text, comment, evidence_url, updated_at)
SELECT %(response)s, answer.question_id, answer.option_id, answer.number, answer.text,
    answer.comment, answer.evidence_url, %(at)s
FROM jsonb_to_recordset(%(answers)s::jsonb) AS answer(
    question_id bigint, option_id bigint, number numeric, text text, comment text,
    evidence_url text
)
ON CONFLICT (response_id, question_id) DO UPDATE SET
    option_id = excluded.option_id,
    number = excluded.number,
    text = excluded.text,
    comment = excluded.comment,
    evidence_url = excluded.evidence_url,
    updated_at = excluded.updated_at
RETURNING question_id, id
"""

# A value's snapshot as the history keeps it: {"option", "choices", "number", ...}, or None.
Snapshot = dict[str, object] | None


def answers_write(
    *,
    response_id: int,
    answers: Mapping[int, AnswerValue],
    changes: Mapping[int, tuple[Snapshot, Snapshot]],
    by_id: int,
    at: datetime,
) -> dict[int, int]:
    """Upsert ``answers`` (by question id) and insert a history row per entry of ``changes``
    (question id → snapshots before and after); the upserted answers' ids by question id."""
    rows = [
        {
            "question_id": question_id,
            "option_id": value.option_id,
            "number": None if value.number is None else str(value.number),
            "text": value.text,
            "comment": value.comment,
            "evidence_url": value.evidence_url,
        }
        for question_id, value in answers.items()
    ]
    history = [
        {"question_id": question_id, "old_value": old, "new_value": new}
        for question_id, (old, new) in changes.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _WRITE,
            {
                "response": response_id,
                "by": by_id,
                "at": at,
                "changes": json.dumps(history),
                "answers": json.dumps(rows),
            },
        )
        return dict(cursor.fetchall())
