"""The one SQL statement that saves answers: claim the version, write what changed, record it.

Through the ORM a save takes a transaction of five to seven statements (claim the response's
version, delete cleared answers, upsert the others, change their ticked options, insert the
history rows), each compiled anew; every save and autosave makes it. PostgreSQL runs them as
one statement with data-modifying CTEs, atomic without a transaction of our own. Nothing is
written unless the stored response is still the draft version the caller read its answers at,
in an open round; the UPDATE takes the response's row lock, so saves of one response queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import connection

from polis_assess.prepared import Prepared
from surveys.models import Response, Round
from surveys.structure import AnswerValue

_SAVE = Prepared.of(
    "polis_answers_save",
    """
WITH claim AS (
    UPDATE surveys_response SET version = version + 1, updated_at = %(at)s
    WHERE id = %(response)s AND version = %(version)s AND status = %(draft)s
        AND round_id IN (SELECT id FROM surveys_round WHERE status = %(open)s)
    RETURNING id
),
history AS (
    INSERT INTO surveys_answerchange
        (response_id, question_id, changed_by_id, changed_at, old_value, new_value)
    SELECT claim.id, change.question_id, %(by)s, %(at)s, change.old_value, change.new_value
    FROM claim, jsonb_to_recordset(%(changes)s::jsonb)
        AS change(question_id bigint, old_value jsonb, new_value jsonb)
),
cleared AS (
    DELETE FROM surveys_answer AS answer USING claim
    WHERE answer.response_id = claim.id AND answer.question_id = ANY(%(cleared)s::bigint[])
    RETURNING answer.id
),
cleared_choices AS (
    -- The foreign key is checked at commit (Django makes it deferrable), after both deletes.
    DELETE FROM surveys_answer_choices AS choice USING cleared
    WHERE choice.answer_id = cleared.id
),
upserted AS (
    INSERT INTO surveys_answer
        (response_id, question_id, option_id, number, text, comment, evidence_url, updated_at)
    SELECT claim.id, answer.question_id, answer.option_id, answer.number, answer.text,
        answer.comment, answer.evidence_url, %(at)s
    FROM claim, jsonb_to_recordset(%(answers)s::jsonb) AS answer(
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
    RETURNING id, question_id
),
unticked AS (
    DELETE FROM surveys_answer_choices AS choice
    USING upserted, jsonb_to_recordset(%(unticked)s::jsonb) AS gone(question_id bigint, option_id bigint)
    WHERE choice.answer_id = upserted.id AND upserted.question_id = gone.question_id
        AND choice.option_id = gone.option_id
),
ticked AS (
    INSERT INTO surveys_answer_choices (answer_id, option_id)
    SELECT upserted.id, new.option_id
    FROM upserted JOIN jsonb_to_recordset(%(ticked)s::jsonb) AS new(question_id bigint, option_id bigint)
        ON new.question_id = upserted.question_id
)
SELECT count(*) FROM claim
""",
)

# A value's snapshot as the history keeps it: {"option", "choices", "number", ...}, or None.
Snapshot = dict[str, object] | None


def answers_write(
    *,
    response_id: int,
    version: int,
    before: Mapping[int, AnswerValue],
    kept: Mapping[int, AnswerValue],
    cleared: Iterable[int],
    changes: Mapping[int, tuple[Snapshot, Snapshot]],
    by_id: int,
    at: datetime,
) -> bool:
    """Claim ``version`` of the response and, if that succeeds, upsert the ``kept`` answers
    (by question id; ``before`` holds the stored ones, for their ticked options), delete the
    ``cleared`` ones and insert a history row per entry of ``changes`` (question id → snapshots
    before and after). Whether the claim succeeded; nothing is written if not."""
    ticked, unticked = [], []
    for question_id, value in kept.items():
        new = set(value.choice_ids)
        old = set(before[question_id].choice_ids) if question_id in before else set()
        ticked += [{"question_id": question_id, "option_id": o} for o in sorted(new - old)]
        unticked += [{"question_id": question_id, "option_id": o} for o in sorted(old - new)]
    answers = [
        {
            "question_id": question_id,
            "option_id": value.option_id,
            "number": None if value.number is None else str(value.number),
            "text": value.text,
            "comment": value.comment,
            "evidence_url": value.evidence_url,
        }
        for question_id, value in kept.items()
    ]
    history = [
        {"question_id": question_id, "old_value": old, "new_value": new}
        for question_id, (old, new) in changes.items()
    ]
    with connection.cursor() as cursor:
        _SAVE.execute(
            cursor,
            {
                "response": response_id,
                "version": version,
                "draft": Response.Status.DRAFT,
                "open": Round.Status.OPEN,
                "by": by_id,
                "at": at,
                "changes": json.dumps(history),
                "cleared": list(cleared),
                "answers": json.dumps(answers),
                "ticked": json.dumps(ticked),
                "unticked": json.dumps(unticked),
            },
        )
        (claimed,) = cursor.fetchone()
    return bool(claimed)
