"""Signals that tell other apps a response was submitted or reopened, inside the same transaction.

`surveys` never imports `scoring`: scoring receives these (scoring/apps.py) and keeps the stored
scores in step. They are sent inside the write's transaction, so a receiver that fails undoes
the submit or reopen as well.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with: response (the submitted Response, round and questionnaire loaded), answers (its
# answers by question id, `surveys.answers.Answers`) and bank (`surveys.structure.Bank`).
response_submitted = Signal()

# Sent with: response (the reopened Response, now a draft again).
response_reopened = Signal()
