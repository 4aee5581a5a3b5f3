"""Which views take a file upload, from whom and how large; every other request's file parts are refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler
from django.http import HttpRequest

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


@dataclass(frozen=True)
class UploadAllowance:
    """One file of at most ``max_bytes`` (the whole request body) from whom ``permits`` lets."""

    max_bytes: int
    permits: Callable[[HttpRequest], bool]


def accepts_upload(
    *, max_bytes: int, permits: Callable[[HttpRequest], bool]
) -> Callable[[ViewT], ViewT]:
    """Marks a view as taking one uploaded file, held in memory, from the requests ``permits``
    lets; `RequestBodyLimitMiddleware` reads the mark before anything reads the body."""

    def mark(view: ViewT) -> ViewT:
        view.upload_allowance = UploadAllowance(max_bytes=max_bytes, permits=permits)  # type: ignore[attr-defined]
        return view

    return mark


def upload_allowance(view: Callable[..., Any], request: HttpRequest) -> UploadAllowance | None:
    """The view's allowance if it has one and it lets this request upload; None otherwise."""
    allowance = getattr(view, "upload_allowance", None)
    if isinstance(allowance, UploadAllowance) and allowance.permits(request):
        return allowance
    return None


def allow_upload(request: HttpRequest) -> None:
    """This request's one file is read into memory (its body is capped far below Django's
    in-memory limit, so it never reaches the temporary folder)."""
    request.upload_handlers = [MemoryFileUploadHandler(request)]


def refuse_uploads(request: HttpRequest) -> None:
    request.upload_handlers = [RefuseFilesUploadHandler(request)]


class RefuseFilesUploadHandler(FileUploadHandler):
    """Refuses a file part before its first byte: Django answers 400, as it does for more
    files than DATA_UPLOAD_MAX_NUMBER_FILES allows."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise TooManyFilesSent("This page takes no file uploads.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        raise TooManyFilesSent("This page takes no file uploads.")

    def file_complete(self, file_size: int) -> None:
        return None
