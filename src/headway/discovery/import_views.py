"""Import a feedback file in the browser: upload a CSV or JSON Lines file (the formats the command line reads,
support-ticket exports included), optionally name its columns; the import runs as a background job with a
progress bar, and a refused file lists every bad row with its line."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from headway.core import jobs
from headway.core.errors import HeadwayError, ValidationError
from headway.core.http import AuthedRequest
from headway.core.permissions import Perm, require
from headway.core.validation import is_id
from headway.discovery import services
from headway.discovery.models import Source


def _job(request: AuthedRequest) -> jobs.JobView | None:
    """The import named by ``?job=ID`` (the page shows its progress and outcome), if it is one."""
    job_id = request.GET.get("job", "")
    if not is_id(job_id):
        return None
    try:
        job = jobs.get_job(request.user, int(job_id))
    except HeadwayError:
        return None
    return job if job.kind == "discovery.import_feedback" else None


@login_required
@require_http_methods(["GET", "POST"])
def import_feedback(request: AuthedRequest) -> HttpResponse:
    """The upload form (people who may add feedback); a POST queues the import and follows its job."""
    require(request.user, Perm.EDIT_FEEDBACK)
    values = {"format": "", "source": "support", "mapping": ""}
    error = ""
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("Choose a feedback file to import (.csv, .jsonl or .json).")
            pairs = [pair.strip() for pair in values["mapping"].replace(",", "\n").splitlines() if pair.strip()]
            mapping = services.parse_mapping(pairs)
            job = services.start_feedback_import(request.user, upload.name or "", upload,
                                                 fmt=values["format"] or None, mapping=mapping,
                                                 default_source=values["source"] or "support")
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            error = exc.message
        else:
            return redirect(reverse("feedback-import") + f"?job={job.id}")
    return render(request, "discovery/import.html", {
        "title": "Import feedback", "values": values, "error": error, "job": _job(request),
        "sources": Source.choices, "fields": list(services.FEEDBACK_COLUMNS),
    }, status=422 if error else 200)
