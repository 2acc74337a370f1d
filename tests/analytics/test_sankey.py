"""The Sankey layout of path edges, checked against positions computed by hand."""

from __future__ import annotations

from headway.analytics import sankey
from headway.analytics.engine.insights_types import PathEdge


def test_nodes_and_links_are_placed_by_persons():
    edges = [PathEdge(1, "/home", "/pricing", 2), PathEdge(2, "/pricing", "/signup", 1)]
    layout = sankey.layout(edges, width=960, height=420)
    # tallest column holds 2 persons in 420 px: 210 px per person; columns 399 px apart ((960 - 12 - 150) / 2)
    assert [(n.step, n.name, n.x, n.y, n.height) for n in layout.nodes] == [
        (1, "/home", 0.0, 0.0, 420.0), (2, "/pricing", 399.0, 0.0, 420.0), (3, "/signup", 798.0, 0.0, 210.0)]
    assert [(link.width, link.path) for link in layout.links] == [
        (420.0, "M12.0,210.0 C205.5,210.0 205.5,210.0 399.0,210.0"),
        (210.0, "M411.0,105.0 C604.5,105.0 604.5,105.0 798.0,105.0")]


def test_links_leaving_one_node_stack_without_overlap():
    edges = [PathEdge(1, "a", "b", 3), PathEdge(1, "a", "c", 1)]
    layout = sankey.layout(edges, width=400, height=100)
    # column 2 holds b (3) and c (1) with a 10 px gap: (100 - 10) / 4 = 22.5 px per person
    first, second = layout.links
    assert (first.target, first.width, second.target, second.width) == ("b", 67.5, "c", 22.5)
    assert first.path.startswith("M12.0,33.8") and second.path.startswith("M12.0,78.8")
    assert second.path.endswith("238.0,88.8")  # c starts at 67.5 + 10 = 77.5; its band's middle is 77.5 + 11.25


def test_no_edges_no_drawing():
    assert sankey.layout([]).nodes == [] and sankey.layout([]).links == []


def test_urls_are_labelled_by_their_path():
    assert sankey.short_label("https://shop.example/p/toys/1179") == "/p/toys/1179"
    assert sankey.short_label("https://shop.example") == "/"
    assert sankey.short_label("https://shop.example/search?q=lamp") == "/search?q=lamp"
    assert sankey.short_label("/pricing") == "/pricing" and sankey.short_label("add_to_cart") == "add_to_cart"
    layout = sankey.layout([PathEdge(1, "https://shop.example/", "https://shop.example/cart", 1)])
    assert [n.label for n in layout.nodes] == ["/", "/cart"]
    assert (layout.links[0].source_label, layout.links[0].target_label) == ("/", "/cart")
