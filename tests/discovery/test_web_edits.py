"""Merge, split and move from the theme page: each edit works from the page and survives the next run; a viewer
sees no forms and a direct POST is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.core.permissions import Role
from headway.discovery import services
from headway.discovery.models import FeedbackItem, Theme


def item(text: str) -> FeedbackItem:
    return FeedbackItem.objects.get(text=text)


def rerun() -> None:
    run = services.start_theme_run(None, method="lexical", background=False)
    assert run.status == "done", run.message


@pytest.fixture
def editor(client, make_user):
    client.force_login(make_user("cora", Role.CONTRIBUTOR))
    return client


def test_merge_from_the_page_survives_a_rerun(themed, editor):
    target = item("Checkout payment failed with card error 2").theme
    source = item("Card payment error at checkout, code 2").theme
    assert target.pk != source.pk
    page = editor.get(f"/feedback/themes/{source.pk}/").content.decode()
    assert f'action="/feedback/themes/{source.pk}/merge/"' in page and "csrfmiddlewaretoken" in page
    assert f'<option value="{target.pk}">{target.label} ({target.size})</option>' in page
    assert f'<option value="{source.pk}">' not in page  # a theme is not offered to merge into itself

    response = editor.post(f"/feedback/themes/{source.pk}/merge/", {"target": target.pk}, follow=True)
    assert response.redirect_chain == [(f"/feedback/themes/{target.pk}/", 302)]
    assert f"Theme merged into “{target.label}”" in response.content.decode()

    rerun()
    assert not Theme.objects.filter(pk=source.pk).exists()
    assert {item(f"Card payment error at checkout, code {n}").theme_id for n in (2, 3, 4, 5)} == {target.pk}
    assert item("Checkout payment failed with card error 3").theme_id == target.pk


def test_split_from_the_page_survives_a_rerun(themed, editor):
    courier = [item(f"The delivery courier was late again, {n} days") for n in (2, 3)]
    source = courier[0].theme_id
    page = editor.get(f"/feedback/themes/{source}/").content.decode()
    assert all(f'name="item" value="{c.pk}" id="item-{c.pk}"' in page for c in courier)
    assert f'formaction="/feedback/themes/{source}/split/"' in page

    response = editor.post(f"/feedback/themes/{source}/split/",
                           {"item": [c.pk for c in courier], "label": "  Courier   problems "}, follow=True)
    new = Theme.objects.get(label="Courier problems")
    assert response.redirect_chain == [(f"/feedback/themes/{new.pk}/", 302)]
    assert "2 item(s) split off into the new theme “Courier problems”" in response.content.decode()

    rerun()
    assert {item(f"The delivery courier was late again, {n} days").theme_id for n in (2, 3)} == {new.pk}
    assert Theme.objects.get(pk=new.pk).label == "Courier problems" and Theme.objects.get(pk=new.pk).size == 2


def test_move_from_the_page_survives_a_rerun(themed, editor):
    moved = item("Android app crashes constantly 5")
    delivery = item("My parcel delivery was late by 2 days").theme
    response = editor.post(f"/feedback/themes/{moved.theme_id}/move/",
                           {"item": [moved.pk], "target": delivery.pk}, follow=True)
    assert response.redirect_chain == [(f"/feedback/themes/{moved.theme_id}/", 302)]
    assert f"1 item(s) moved to “{delivery.label}”" in response.content.decode()

    rerun()
    assert item("Android app crashes constantly 5").theme_id == delivery.pk
    assert item("Android app crashes constantly 4").theme_id == moved.theme_id  # the others stay
    assert sum(t.size for t in Theme.objects.filter(is_parent=False)) == 36


def test_bad_edits_come_back_with_a_message_that_says_what_to_do(themed, editor):
    theme = item("Android app crashes constantly 2").theme
    url = f"/feedback/themes/{theme.pk}"
    cases = [
        ("merge", {}, "Choose the theme to merge this one into, then press Merge."),
        ("merge", {"target": 999_999}, "There is no theme 999999"),
        ("merge", {"target": theme.parent_id}, "Parent themes group themes and cannot be merged"),
        ("split", {"label": "Crashes"}, "Tick at least one quote to split off, then press the button again."),
        ("split", {"item": [item("Android app crashes constantly 3").pk], "label": " "},
         "A theme label is 1 to 120 characters"),
        ("move", {"target": theme.pk}, "Tick at least one quote to move, then press the button again."),
        ("move", {"item": [item("Android app crashes constantly 3").pk]},
         "Choose the theme to move the ticked quotes to, then press Move."),
        ("move", {"item": [item("Android app crashes constantly 3").pk], "target": theme.parent_id},
         "is a parent theme: move items into one of the themes under it."),
        ("rename", {"label": ""}, "A theme label is 1 to 120 characters"),
    ]
    for action, data, message in cases:
        response = editor.post(f"{url}/{action}/", data, follow=True)
        assert response.redirect_chain == [(f"{url}/", 302)], action
        body = response.content.decode()
        assert 'class="message message-error" role="alert"' in body and message in body, (action, data)
    assert Theme.objects.filter(pk=theme.pk, label=theme.label).exists()
    assert item("Android app crashes constantly 3").theme_id == theme.pk


def test_viewer_sees_no_forms_and_a_direct_post_is_refused(themed, client, viewer):
    theme = item("Android app crashes constantly 2").theme
    other = item("My parcel delivery was late by 2 days").theme
    client.force_login(viewer)
    page = client.get(f"/feedback/themes/{theme.pk}/").content.decode()
    assert "<form method=\"post\" action=\"/feedback/themes/" not in page and 'type="checkbox"' not in page
    crash = item("Android app crashes constantly 3")
    for action, data in (("merge", {"target": other.pk}), ("split", {"item": [crash.pk], "label": "Mine"}),
                         ("move", {"item": [crash.pk], "target": other.pk}), ("merge", {})):
        response = client.post(f"/feedback/themes/{theme.pk}/{action}/", data)
        assert response.status_code == 403, action
        assert "Your role (viewer) does not allow feedback.edit" in response.content.decode()
    assert Theme.objects.filter(pk=theme.pk).exists() and item("Android app crashes constantly 3").theme_id == theme.pk
    assert not Theme.objects.filter(label="Mine").exists()


def test_edits_need_the_csrf_token(themed, make_user):
    theme = item("Android app crashes constantly 2").theme
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("cora", Role.CONTRIBUTOR))
    crash = item("Android app crashes constantly 3")
    refused = strict.post(f"/feedback/themes/{theme.pk}/split/", {"item": [crash.pk], "label": "Mine"})
    assert refused.status_code == 403 and not Theme.objects.filter(label="Mine").exists()
    token = strict.get(f"/feedback/themes/{theme.pk}/").context["csrf_token"]
    accepted = strict.post(f"/feedback/themes/{theme.pk}/split/",
                           {"item": [crash.pk], "label": "Mine", "csrfmiddlewaretoken": str(token)})
    assert accepted.status_code == 302 and Theme.objects.get(label="Mine").size == 1


@pytest.fixture
def big_theme(themed):
    """All 36 items in one theme: two pages of quotes (20 + 16)."""
    target = item("Android app crashes constantly 2").theme
    services.move_items(None, list(FeedbackItem.objects.exclude(theme=target).values_list("pk", flat=True)),
                        target.pk)
    return target


def ticked(page: str) -> set[int]:
    import re

    return {int(pk) for pk in re.findall(r'name="item" value="(\d+)"', page)}


def test_every_item_of_a_theme_is_on_a_page_with_split_and_move_controls(big_theme, editor):
    url = f"/feedback/themes/{big_theme.pk}/"
    first, second = (editor.get(url).content.decode(), editor.get(f"{url}?page=2").content.decode())
    assert len(ticked(first)) == 20 and len(ticked(second)) == 16
    assert ticked(first) | ticked(second) == set(FeedbackItem.objects.values_list("pk", flat=True))
    assert "Quotes 1–20 of 36" in first and "Quotes 21–36 of 36" in second
    assert f'<a href="{url}?page=2">2</a>' in first and f'<a href="{url}" aria-current="page">1</a>' in first
    for page in (first, second):
        assert f'formaction="/feedback/themes/{big_theme.pk}/split/"' in page and 'id="move-target"' in page
    assert '<input type="hidden" name="page" value="2">' in second
    assert editor.get(f"{url}?page=99").context["d"].page == 2  # past the end: the last page
    assert editor.get(f"{url}?page=abc").context["d"].page == 1


def test_move_and_split_from_the_second_page(big_theme, editor):
    url = f"/feedback/themes/{big_theme.pk}/"
    on_second = sorted(ticked(editor.get(f"{url}?page=2").content.decode()))
    other = Theme.objects.filter(is_parent=False).exclude(pk=big_theme.pk).first()
    moved = editor.post(f"{url}move/", {"item": on_second[:2], "target": other.pk, "page": 2}, follow=True)
    assert moved.redirect_chain == [(f"{url}?page=2", 302)]
    assert set(FeedbackItem.objects.filter(pk__in=on_second[:2]).values_list("theme_id", flat=True)) == {other.pk}
    split = editor.post(f"{url}split/", {"item": on_second[2:5], "label": "Late pages", "page": 2}, follow=True)
    new = Theme.objects.get(label="Late pages")
    assert split.redirect_chain == [(f"/feedback/themes/{new.pk}/", 302)] and new.size == 3


def test_search_within_a_theme_reaches_any_item_and_keeps_the_search_after_a_move(big_theme, editor):
    url = f"/feedback/themes/{big_theme.pk}/"
    wanted = item("Card payment error at checkout, code 5")
    page = editor.get(url, {"q": "code  5"}).content.decode()
    assert ticked(page) == {wanted.pk} and "Quotes 1–1 of 1 matching “code 5”" in page
    assert '<input type="hidden" name="q" value="code 5">' in page
    other = Theme.objects.filter(is_parent=False).exclude(pk=big_theme.pk).first()
    response = editor.post(f"{url}move/", {"item": [wanted.pk], "target": other.pk, "q": "code 5"}, follow=True)
    assert response.redirect_chain == [(f"{url}?q=code+5", 302)]
    assert "No quote of this theme matches “code 5”." in response.content.decode()
    assert item("Card payment error at checkout, code 5").theme_id == other.pk
