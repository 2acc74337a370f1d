"""Bad theme edits — nothing selected, a theme into itself, an id twice — are refused with a clear message
by the services, the API (422 with the error body) and the pages (a message on the theme page); nothing moves."""

from __future__ import annotations

import pytest

from headway.core import services as core_services
from headway.core.errors import ValidationError
from headway.core.permissions import Role
from headway.discovery import services
from headway.discovery.models import FeedbackItem, Theme


def item(text: str) -> FeedbackItem:
    return FeedbackItem.objects.select_related("theme").get(text=text)


@pytest.fixture
def two_themes(themed):
    crash, delivery = item("Android app crashes constantly 2"), item("My parcel delivery was late by 2 days")
    assert crash.theme_id != delivery.theme_id
    return crash, delivery


def places() -> dict[int, int | None]:
    return dict(FeedbackItem.objects.values_list("pk", "theme_id"))


def service_cases(crash: FeedbackItem, delivery: FeedbackItem):
    theme, other = crash.theme_id, delivery.theme_id
    return [
        (lambda: services.move_items(None, [], other), "Name at least one feedback item: give the ids of the items to move."),
        (lambda: services.move_items(None, [crash.pk, crash.pk], other), f"Feedback item {crash.pk} is given more than once"),
        (lambda: services.move_items(None, [crash.pk], theme), f"already in theme {theme}"),
        (lambda: services.split_theme(None, theme, [], "New"), "Name at least one feedback item: give the ids of the items to split off"),
        (lambda: services.split_theme(None, theme, [crash.pk, crash.pk], "New"), f"Feedback item {crash.pk} is given more than once"),
        (lambda: services.split_theme(None, crash.theme.parent_id, [crash.pk], "New"), "is a parent theme: split one of the themes under it."),
        (lambda: services.merge_themes(None, theme, []), "Name at least one other theme: give the ids of the themes to merge"),
        (lambda: services.merge_themes(None, theme, [theme]), f"Theme {theme} cannot be merged into itself"),
        (lambda: services.merge_themes(None, theme, [other, other]), f"Other theme {other} is given more than once"),
    ]


def test_services_refuse_empty_self_and_repeated_selections(two_themes):
    before, themes = places(), Theme.objects.count()
    for call, message in service_cases(*two_themes):
        with pytest.raises(ValidationError) as caught:
            call()
        assert message in caught.value.message
    assert places() == before and Theme.objects.count() == themes


def test_api_answers_422_with_the_message(two_themes, client, make_user):
    crash, delivery = two_themes
    headers = {"Authorization": f"Bearer {core_services.create_token(make_user('cora', Role.CONTRIBUTOR), 't').secret}"}
    theme, other = crash.theme_id, delivery.theme_id
    cases = [
        (f"/api/v1/discovery/feedback/themes/{other}/items", {"items": []}, "Name at least one feedback item"),
        (f"/api/v1/discovery/feedback/themes/{other}/items", {"items": [crash.pk, crash.pk]}, "is given more than once"),
        (f"/api/v1/discovery/feedback/themes/{theme}/split", {"items": [], "label": "New"}, "Name at least one feedback item"),
        (f"/api/v1/discovery/feedback/themes/{theme}/merge", {"themes": [theme]}, "cannot be merged into itself"),
        (f"/api/v1/discovery/feedback/themes/{theme}/merge", {"themes": []}, "Name at least one other theme"),
    ]
    before = places()
    for url, payload, message in cases:
        response = client.post(url, payload, headers=headers, content_type="application/json")
        assert response.status_code == 422, (url, payload, response.content)
        assert message in response.json()["error"]["message"], (url, payload)
    assert places() == before


def test_pages_show_the_message_for_a_repeated_quote_or_a_merge_into_itself(two_themes, client, make_user):
    crash, _ = two_themes
    client.force_login(make_user("cora", Role.CONTRIBUTOR))
    url = f"/feedback/themes/{crash.theme_id}"
    for action, data, message in [
        ("split", {"item": [crash.pk, crash.pk], "label": "New"}, "is given more than once"),
        ("merge", {"target": crash.theme_id}, "cannot be merged into itself"),
    ]:
        response = client.post(f"{url}/{action}/", data, follow=True)
        assert response.redirect_chain == [(f"{url}/", 302)]
        assert message in response.content.decode(), action
    assert item("Android app crashes constantly 2").theme_id == crash.theme_id
