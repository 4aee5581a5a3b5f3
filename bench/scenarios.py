"""Names of the benchmark's scenarios, shared by the modules that measure and the one that judges."""

CEILING_BARE = "ceiling: bare template"
CEILING_ONE_QUERY = "ceiling: one query"
SIGNED_IN_FLOOR = "floor: signed-in template"  # session and user only; for reference
SECTION_PAGE = "section page GET"
SECTION_SAVE = "section save POST"  # the name goes on with the number of answers posted
AUTOSAVE = "autosave POST (1 answer changed)"
REVIEW = "review page"
SUBMIT = "submit (with scoring)"
RESULTS = "per-city results"
DASHBOARD = "cross-city dashboard"
TRACKER = "completion tracker"
ROUND_CHANGE = "round change page (every city)"
CSV_EXPORT = "CSV export (answers)"
RECOMPUTE = "recompute a round's scores"
# For the peer comparison: the whole questionnaire, as an officer goes through it, section by
# section or on the page with all questions (the peer's survey is one page too).
WHOLE_SHOWN = "whole questionnaire shown (every section page)"
WHOLE_SUBMITTED = "whole response saved and submitted (every section, then submit)"
ONE_PAGE_SHOWN = "whole questionnaire shown (all questions on one page)"
ONE_PAGE_SUBMITTED = "whole response saved and submitted (one page, one POST)"

# Single requests over HTTP, each held to the query budget per page; the recompute is a
# service call, the whole questionnaire section by section is eight or nine requests, and the
# one-page save-and-submit is two actions in one request (a save, then a submit, each within
# the page budget on its own), held only to the same queries at every size.
PAGES = (
    SECTION_PAGE,
    SECTION_SAVE,
    AUTOSAVE,
    REVIEW,
    SUBMIT,
    RESULTS,
    DASHBOARD,
    TRACKER,
    ROUND_CHANGE,
    ONE_PAGE_SHOWN,
    CSV_EXPORT,
)
