"""Web forms never answer 500 on a malformed field (issue 15, point 8): a field that should hold an id or a JSON
object and holds something else is a message on the page, not int()/json.loads blowing up."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from headway.core.errors import ValidationError
from headway.core.validation import form_id, form_ids, form_json_object, is_id
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HUGE = "9" * 5_000  # int() refuses over 4,300 digits
SUPERSCRIPT = "²"  # str.isdigit() says yes, int() says no


def test_the_helpers() -> None:
    assert is_id("42") and is_id(" 7 ") and not is_id(SUPERSCRIPT) and not is_id(HUGE) and not is_id("-1")
    assert form_id("#12", "owner") == 12 and form_ids(["1", "2"], "done") == [1, 2]
    with pytest.raises(ValidationError, match="owner: 'abc' is not a person; pick one from the list"):
        form_id("abc", "owner", what="a person")
    assert form_json_object("", "expectations") == {}
    assert form_json_object('{"a": 1}', "expectations") == {"a": 1}
    with pytest.raises(ValidationError, match="expectations is not valid JSON"):
        form_json_object("{nope", "expectations")
    with pytest.raises(ValidationError, match="must be a JSON object"):
        form_json_object("[1]", "expectations")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("path", "form", "expected"),
    [
        ("/team/ladder/", {"op": "add-level", "slug": "x", "expectations": "{not json"}, "not valid JSON"),
        ("/team/checkins/1/", {"form": "action", "text": "Do it", "owner": "abc"}, "owner: 'abc' is not a person"),
        ("/team/checkins/1/", {"form": "checkin", "pulse": SUPERSCRIPT}, "pulse"),
        ("/team/checkins/1/", {"form": "checkin", "done": HUGE}, "done"),
        ("/team/reviews/", {"name": "H1", "reviewee": ["1", "x"]}, "reviewee: 'x' is not a person"),
        ("/team/reviews/1/", {"form": "nominate", "reviewer": "x"}, "reviewer"),
        ("/team/reviews/1/", {"form": "decide", "nomination": "x"}, "nomination: 'x' is not a nomination"),
        ("/team/reviews/1/", {"form": "calibrate", "reviewee": HUGE}, "reviewee"),
    ],
)
def test_team_forms_report_a_malformed_field(client, admin, path, form, expected):
    assert client.login(username=admin.username, password=PASSWORD)
    response = client.post(path, form)
    assert response.status_code == 302, response.content[:300]
    assert any(expected in m for m in messages_of(response)), messages_of(response)


def test_pages_ignore_ids_that_only_look_like_numbers(client, admin):
    assert client.login(username=admin.username, password=PASSWORD)
    assert client.get(f"/insights/?import={SUPERSCRIPT}").status_code == 200
    assert client.get(f"/insights/?breakdown_cohorts={HUGE}").status_code == 200
    response = client.post("/feedback/themes/1/merge/", {"target": SUPERSCRIPT})
    assert response.status_code in (302, 404)
