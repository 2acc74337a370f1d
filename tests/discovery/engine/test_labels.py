"""Theme labels and keywords on small hand-made themes: phrases a person would use, no filler, no repeats."""

from __future__ import annotations

from headway.discovery.engine.labels import _stop_words, name_themes, readable, runs, word_key

DELIVERY = [
    "Late delivery again, the parcel came 3 days after the promised date. Frustrating.",
    "Hi team, late delivery of my parcel, it took 5 days.",
    "Another late delivery: parcel 2 days late.",
    "Late delivery on every order this month, frustrating.",
    "My parcel was a late delivery, 4 days.",
    "Late delivery, please fix.",
]
INVOICES = [
    "Please add our VAT number to the invoices. Frustrating.",
    "The invoice has no VAT number, our accountant needs it.",
    "Invoices are missing the VAT number again.",
    "Hi team, put the VAT number on each invoice.",
    "VAT number missing from the invoice PDF, frustrating.",
    "We need the VAT number printed on invoices.",
]


def test_runs_break_at_punctuation_stop_words_numbers_and_negations():
    text = "Hi Anna, the checkout page crashed 3 times; it hasn't worked since May. One-click checkout!"
    assert runs(text, _stop_words()) == [["Anna"], ["checkout", "page", "crashed"], ["times"], ["worked"],
                                         ["One-click", "checkout"]]


def test_a_label_starting_with_a_capitalised_brand_keeps_its_case():
    texts = ["The iPhone app freezes", "iPhone app freezes on start", "Late parcel", "Late parcel again"]
    assert [n.label for n in name_themes(texts, [0, 0, 1, 1])] == ["iPhone app freezes", "Late parcel"]


def test_plural_and_singular_are_one_word():
    assert word_key("invoices") == word_key("invoice") == "invoice"
    assert [word_key(w) for w in ("address", "status", "bus", "this")] == ["address", "status", "bus", "this"]


def test_labels_are_the_shared_phrase_in_sentence_case_and_keep_acronyms():
    delivery, invoices = name_themes(DELIVERY + INVOICES, [0] * 6 + [1] * 6)
    assert delivery.label == "Late delivery"  # in all six texts; "parcel" is in five
    assert invoices.label == "VAT number"  # written in capitals, so it stays so
    assert delivery.keywords[:3] == ["late delivery", "days", "parcel"]
    assert "invoices" in invoices.keywords and "invoice" not in invoices.keywords  # one word, its common form


def test_words_spread_over_every_theme_never_name_one():
    # "frustrating" and "team" are in both themes as often as their sizes predict: they say nothing of either
    names = name_themes(DELIVERY + INVOICES, [0] * 6 + [1] * 6)
    for name in names:
        words = {w.lower() for w in name.label.split()} | {w for k in name.keywords for w in k.split()}
        assert not words & {"frustrating", "team", "hi", "please", "the", "my", "our"}, name


def test_two_themes_never_share_a_label_the_larger_one_keeps_it():
    texts = ["Late delivery"] * 3 + ["Late delivery, parcel lost", "Late delivery", "Late delivery, courier"]
    larger, smaller, _login = name_themes([*texts, *["Login broken"] * 4], [0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
    assert larger.label == "Late delivery"
    assert smaller.label == "Late delivery courier"  # its next phrase joins, in the order of the texts


def test_a_phrase_as_common_everywhere_as_here_names_no_theme():
    texts = ["Late delivery", "Late delivery, parcel lost", "Late delivery, courier", "Late delivery, courier"]
    first, second = name_themes(texts, [0, 0, 1, 1])
    assert (first.label, second.label) == ("Parcel lost", "Courier")
    assert "late delivery" not in first.keywords + second.keywords


def test_a_theme_of_stop_words_only_is_miscellaneous():
    names = name_themes(["the and", "of it", "late parcel", "late parcel again"], [0, 0, 1, 1])
    assert [n.label for n in names] == ["Miscellaneous", "Late parcel"]
    assert names[0].keywords == []


def test_one_word_label_takes_a_partner_only_when_it_is_strong_enough():
    texts = ["refund slow", "refund slow", "refund", "refund", "login broken", "login broken", "login", "login"]
    refund, login = name_themes(texts, [0, 0, 0, 0, 1, 1, 1, 1])
    # "refund" is in 4 of 4 texts; "slow" in 2 of 4 (0.5 × the score of "refund"): it joins
    assert (refund.label, login.label) == ("Refund slow", "Login broken")
    alone = name_themes(["refund"] * 6 + ["refund slow"] + ["login"] * 7, [0] * 7 + [1] * 7)
    assert alone[0].label == "Refund"  # "slow" is in 1 of 7 texts: too weak to name the theme


def test_a_label_never_ends_with_a_verb_that_leaves_it_hanging():
    texts = ["The invoice PDF shows the wrong address", "Invoice PDF shows no VAT", "Our invoice PDF shows old data",
             "The courier missed us", "Courier missed", "Courier missed again"]
    invoice, courier = name_themes(texts, [0, 0, 0, 1, 1, 1])
    assert (invoice.label, courier.label) == ("Invoice PDF", "Courier")  # not "Invoice PDF shows", "Courier missed"
    assert readable(("app", "crashes")) and not readable(("invoice", "pdf", "show"))


def test_set_expressions_with_a_stop_word_inside_name_a_theme():
    texts = ["It is out of stock again", "Out of stock", "Out of stock for weeks",
             "Please let me top up by card", "Top up failed", "My top up is pending"]
    stock, top_up = name_themes(texts, [0, 0, 0, 1, 1, 1])
    assert stock.label == "Out of stock" and top_up.label.startswith("Top up")


def test_two_words_stand_in_the_order_the_texts_write_them_together():
    texts = ["Delivery was late again", "The delivery came late", "Delivery is always late", "Late delivery",
             "Login broken", "Login broken today", "Login broken again", "Login broken"]
    delivery, _login = name_themes(texts, [0] * 4 + [1] * 4)
    assert delivery.label == "Late delivery"  # "delivery" comes first in most texts, but "late delivery" is a phrase


def test_broad_labels_are_one_phrase_the_texts_write_never_two_put_side_by_side():
    prices = ["Prices went up again, soap now costs more than at our local store.",
              "Shipping fees are too expensive for small orders of paper.",
              "Your prices for toner are higher than competitors, we may switch supplier.",
              "The price increase on soap is too much for a small business like ours."]
    invoices = ["We need invoices with our VAT number, the invoice for soap is missing it.",
                "Please let us download all monthly invoices at once for our accountant.",
                "The invoice PDF shows the wrong company address, please add invoice editing."]
    fine = name_themes(prices + invoices, [0] * 4 + [1] * 3)
    assert [n.label for n in fine] == ["Prices soap", "Invoice VAT number"]  # fine themes: two phrases side by side
    price, invoice = name_themes(prices + invoices, [0] * 4 + [1] * 3, broad=True)
    # one word names a topic, in the plural the texts write
    assert (price.label, invoice.label) == ("Prices", "Invoices")


def test_a_broad_one_word_label_grows_into_the_phrase_around_it_only_when_its_texts_agree_on_one():
    texts = ["refund slow", "refund slow", "refund", "refund", "login broken", "login broken", "login", "login"]
    refund, login = name_themes(texts, [0, 0, 0, 0, 1, 1, 1, 1], broad=True)
    assert (refund.label, login.label) == ("Refund slow", "Login broken")  # 2 of the 4 texts write it so
    alone = name_themes(["refund"] * 6 + ["refund slow"] + ["login"] * 7, [0] * 7 + [1] * 7, broad=True)
    assert alone[0].label == "Refund"  # "refund slow" is in 1 of 7 texts: too rare to name the theme
    support = ["Customer support took 3 days", "Customer support is slow", "Live chat support never answers",
               "Live chat support is closed", "Support on hold for an hour", "Support is too slow"]
    assert name_themes([*support, *["login"] * 6], [0] * 6 + [1] * 6, broad=True)[0].label == "Support"


def test_a_smaller_broad_theme_never_takes_part_of_a_larger_ones_label_nor_with_distinct_words_a_word():
    texts = ["Late delivery"] * 3 + ["Late delivery, parcel lost", "Late delivery", "Late delivery, courier"]
    larger, smaller, _login = name_themes([*texts, *["Login broken"] * 4], [0, 0, 0, 0, 1, 1, 2, 2, 2, 2],
                                          broad=True)
    assert (larger.label, smaller.label) == ("Late delivery", "Courier")  # not "Late", "Delivery"
    texts = ["Late delivery"] * 4 + ["Delivery window missed", "Courier missed the delivery window"] * 2
    apart = name_themes(texts, [0] * 4 + [1] * 4, broad=True)
    distinct = name_themes(texts, [0] * 4 + [1] * 4, broad=True, distinct_words=True)
    assert apart[1].label == "Delivery window" and distinct[1].label == "Courier", (apart, distinct)
