"""Product areas: product lines, the products under them and the areas under those."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from headway.core import audit
from headway.core.errors import Conflict, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.strategy.models import ProductArea
from headway.strategy.services._common import edit, read, text

AREA_PARENT = {"line": None, "product": "line", "area": "product"}


@dataclass
class AreaView:
    """A product area as the API answers it after it was added."""

    name: str
    kind: str
    parent: str | None

    @classmethod
    def from_model(cls, area: ProductArea) -> AreaView:
        """The view of a stored area."""
        return cls(name=area.name, kind=area.kind, parent=area.parent.name if area.parent else None)


@dataclass
class AreaDeleted:
    """What deleting a product area did: its goals stay without an area; its own strategy versions are gone."""

    name: str
    kind: str
    goals_unlinked: int
    strategy_versions: int


@dataclass
class AreaNode:
    """A product area in the hierarchy, with the areas under it."""

    name: str
    kind: str
    children: list[AreaNode] = field(default_factory=list)


def list_areas(actor: User | None) -> QuerySet[ProductArea]:
    """Product lines, products and areas."""
    read(actor)
    return ProductArea.objects.select_related("parent")


def get_area(actor: User | None, name: str) -> ProductArea:
    """A product area by name, or a NotFound that says how to list them."""
    read(actor)
    try:
        return ProductArea.objects.select_related("parent").get(name=name)
    except ProductArea.DoesNotExist:
        raise NotFound(f"There is no product area {name!r}: GET /api/v1/strategy/areas lists them.") from None


@transaction.atomic
def create_area(actor: User | None, name: str, kind: str, parent: str | None = None,
                description: str = "") -> ProductArea:
    """Add a product line, a product (under a line) or an area (under a product)."""
    edit(actor)
    name = text(name, "name", 120)
    if kind not in AREA_PARENT:
        raise ValidationError(f"kind {kind!r} is unknown: use line, product or area.", details={"kind": kind})
    parent_area = get_area(actor, parent) if parent else None
    wanted = AREA_PARENT[kind]
    if (parent_area.kind if parent_area else None) != wanted:
        need = f"a {wanted} as its parent" if wanted else "no parent"
        raise ValidationError(f"A {kind} needs {need} (product line → product → area).",
                              details={"parent": parent})
    if ProductArea.objects.filter(name=name).exists():
        raise Conflict(f"A product area called {name!r} exists already: pick another name.")
    area = ProductArea.objects.create(name=name, kind=kind, parent=parent_area, description=description)
    audit.record(actor, AuditEvent.Action.CREATE, area, summary=f"product {kind} {name} created")
    return area


@transaction.atomic
def rename_area(actor: User | None, name: str, new_name: str | None = None,
                description: str | None = None) -> ProductArea:
    """Rename a product area (its goals and strategy versions go with it) and/or change its description."""
    edit(actor)
    area = get_area(actor, name)
    before = {"name": area.name, "description": area.description}
    if new_name is not None:
        new_name = text(new_name, "name", 120)
        if new_name != area.name and ProductArea.objects.filter(name=new_name).exists():
            raise Conflict(f"A product area called {new_name!r} exists already: pick another name.")
        area.name = new_name
    if description is not None:
        area.description = text(description, "description", 2000, required=False)
    area.save(update_fields=["name", "description"])
    changes = audit.diff(before, {"name": area.name, "description": area.description})
    audit.record(actor, AuditEvent.Action.UPDATE, area, summary=f"product {area.kind} {before['name']} changed"
                 + (f" to {area.name}" if area.name != before["name"] else ""), changes=changes)
    return area


@transaction.atomic
def delete_area(actor: User | None, name: str) -> AreaDeleted:
    """Delete a product area with no areas inside it: its goals stay (no longer in the area) and its own strategy
    versions go with it. An area that still has products or areas inside is refused, naming them."""
    edit(actor)
    area = get_area(actor, name)
    inside = list(area.children.order_by("name").values_list("name", flat=True))
    if inside:
        raise Conflict(f"{area.get_kind_display()} {area.name} still holds {', '.join(inside)}: delete or move "
                       "those first.", details={"children": inside})
    result = AreaDeleted(name=area.name, kind=area.kind, goals_unlinked=area.goals.count(),
                         strategy_versions=area.versions.count())
    audit.record(actor, AuditEvent.Action.DELETE, area, summary=f"product {area.kind} {area.name} deleted "
                 f"({result.goals_unlinked} goals unlinked, {result.strategy_versions} strategy versions removed)")
    area.delete()
    return result


def area_tree(actor: User | None) -> list[AreaNode]:
    """The hierarchy: lines, their products, their areas."""
    areas = list(list_areas(actor))
    children: dict[int | None, list[ProductArea]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)

    def node(area: ProductArea) -> AreaNode:
        return AreaNode(name=area.name, kind=area.kind, children=[node(c) for c in children.get(area.pk, [])])

    return [node(a) for a in children.get(None, [])]
