"""The signed-in person's own data as a JSON download (GDPR access and portability)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from operations.privacy import personal_data_export
from surveys.selectors import signed_in


@never_cache
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        personal_data_export(signed_in(request)), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="polis-assess-my-data.json"'
    return response
