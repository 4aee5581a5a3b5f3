"""Bank items keep to one draft version, in the database too (issue 16, point 12).

`bank_item_clean` says so in forms and admin; these triggers say it for every other writer: a
stage, dimension, question, option or recommendation is only added to a draft questionnaire,
and its parent changes only within that same draft. Published versions are what rounds were
answered and scored against, so a write against them fails as a check violation
(IntegrityError in Django).

No model can say this as a constraint (it crosses tables), so it is SQL, here only.
"""

from django.db import migrations

# Each bank item table, its parent column, and the query from a row ($1) to its questionnaire.
ITEMS = [
    ("surveys_stage", "questionnaire_id", "SELECT $1.questionnaire_id"),
    ("surveys_dimension", "questionnaire_id", "SELECT $1.questionnaire_id"),
    (
        "surveys_question",
        "dimension_id",
        "SELECT questionnaire_id FROM surveys_dimension WHERE id = $1.dimension_id",
    ),
    (
        "surveys_option",
        "question_id",
        "SELECT d.questionnaire_id FROM surveys_question q"
        " JOIN surveys_dimension d ON d.id = q.dimension_id WHERE q.id = $1.question_id",
    ),
    (
        "surveys_recommendation",
        "dimension_id",
        "SELECT questionnaire_id FROM surveys_dimension WHERE id = $1.dimension_id",
    ),
]

FUNCTION = """
CREATE FUNCTION surveys_bank_item_stays_in_its_draft() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    target bigint;
    source bigint;
BEGIN
    EXECUTE TG_ARGV[0] INTO target USING NEW;
    IF NOT EXISTS (
        SELECT 1 FROM surveys_questionnaire WHERE id = target AND status = 'draft'
    ) THEN
        RAISE EXCEPTION 'only a draft version of a questionnaire can change (% of questionnaire %)',
            TG_TABLE_NAME, target
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        EXECUTE TG_ARGV[0] INTO source USING OLD;
        IF source IS DISTINCT FROM target THEN
            RAISE EXCEPTION 'an item stays in its own version of the questionnaire (% moved from % to %)',
                TG_TABLE_NAME, source, target
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
"""

# A question's condition (an option it depends on) must come from the same version too.
CONDITION = """
CREATE FUNCTION surveys_question_condition_in_its_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.condition_id IS NOT NULL AND NOT EXISTS (
        SELECT 1
        FROM surveys_option o
        JOIN surveys_question q ON q.id = o.question_id
        JOIN surveys_dimension d ON d.id = q.dimension_id
        JOIN surveys_dimension own ON own.id = NEW.dimension_id
        WHERE o.id = NEW.condition_id AND d.questionnaire_id = own.questionnaire_id
    ) THEN
        RAISE EXCEPTION 'a question''s condition comes from its own version of the questionnaire'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER surveys_question_condition BEFORE INSERT OR UPDATE OF condition_id, dimension_id
    ON surveys_question FOR EACH ROW EXECUTE FUNCTION surveys_question_condition_in_its_version();
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _triggers() -> str:
    statements = [FUNCTION]
    for table, parent, query in ITEMS:
        statements.append(
            f"CREATE TRIGGER {table}_added_to_draft BEFORE INSERT ON {table} FOR EACH ROW"
            f" EXECUTE FUNCTION surveys_bank_item_stays_in_its_draft({_literal(query)});"
        )
        statements.append(
            f"CREATE TRIGGER {table}_moved_within_draft BEFORE UPDATE OF {parent} ON {table}"
            f" FOR EACH ROW WHEN (OLD.{parent} IS DISTINCT FROM NEW.{parent})"
            f" EXECUTE FUNCTION surveys_bank_item_stays_in_its_draft({_literal(query)});"
        )
    statements.append(CONDITION)
    return "\n".join(statements)


def _drop() -> str:
    statements = ["DROP TRIGGER surveys_question_condition ON surveys_question;"]
    for table, _parent, _query in ITEMS:
        statements.append(f"DROP TRIGGER {table}_added_to_draft ON {table};")
        statements.append(f"DROP TRIGGER {table}_moved_within_draft ON {table};")
    statements.append("DROP FUNCTION surveys_question_condition_in_its_version();")
    statements.append("DROP FUNCTION surveys_bank_item_stays_in_its_draft();")
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_history")]

    operations = [migrations.RunSQL(_triggers(), _drop())]
