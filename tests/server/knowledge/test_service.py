from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.core.errors import DomainError
from server.core.roles import Role
from server.knowledge import service
from server.knowledge.models import KnowledgeEntry, ProblemType, SolutionUse
from server.workorders.models import Status
from tests.factories import actor_of, make_knowledge_entry, make_user, make_work_order
from tests.server.knowledge._entries import seed


async def _code(awaitable: Any) -> str:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def _names(text: str, entries: dict[str, Any]) -> list[str]:
    tech = actor_of(await make_user())
    by_id = {e.id: name for name, e in entries.items()}
    return [by_id[hit.entry.id] for hit in await service.search(actor=tech, text=text)]


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("光猫 红灯", "los"),  # both words: the entry about the ONU's red LOS light, not the set-top box
        ("光猫红灯闪烁", "los"),
        ("卡纸", "printer"),
        ("蓝屏", "bluescreen"),
        ("wifi 慢", "wifi"),  # a lone character still matches
        ("blue screen", "bluescreen"),
        ("paper jam", "printer"),
        ("ONU 红灯", "los"),  # mixed scripts
        ("机顶盒 no signal", "stb"),
    ],
)
async def test_best_hit(db: Any, query: str, best: str) -> None:
    names = await _names(query, await seed())
    assert names[0] == best


async def test_chinese_query_ranks_the_partial_matches_below(db: Any) -> None:
    names = await _names("光猫 红灯", await seed())
    assert names[0] == "los"
    assert set(names[1:]) == {"pon", "stb"}  # one of the two words each
    assert "printer" not in names


async def test_english_words_need_no_exact_phrase(db: Any) -> None:
    names = await _names("red light", await seed())
    assert set(names[:2]) == {"los", "stb"}
    assert names.index("pon") > 1  # "light" only


async def test_no_match_and_bad_queries(db: Any) -> None:
    entries = await seed()
    assert await _names("扫描仪", entries) == []
    tech = actor_of(await make_user())
    assert await _code(service.search(actor=tech, text="  ")) == "VALIDATION_FAILED"
    assert await _code(service.search(actor=tech, text="x" * 201)) == "VALIDATION_FAILED"


# --- writing up an order ------------------------------------------------------------------------


async def _solved_order(**kw: Any) -> Any:
    fields: dict[str, Any] = {
        "status": Status.CUSTOMER_SIGNED,
        "symptom": "光猫LOS灯红色闪烁",
        "cause_category": "fibre_cut",
        "resolution": "Re-spliced the drop fibre at the wall box",
    }
    fields.update(kw)
    return await make_work_order(assigned_to=await make_user(), **fields)


async def test_create_from_a_solved_order_in_one_step(db: Any) -> None:
    order = await _solved_order()
    boss = actor_of(await make_user(Role.SUPERVISOR))
    entry = await service.create_from_work_order(
        actor=boss,
        work_order_id=order.id,
        problem_type=ProblemType.HARDWARE,
        system_type="光猫",
        texts={"symptom_en": "ONU LOS light flashes red"},
    )
    stored = await KnowledgeEntry.get(id=entry.id)
    assert stored.symptom_zh == "光猫LOS灯红色闪烁"  # Chinese text goes to the Chinese field
    assert stored.symptom_en == "ONU LOS light flashes red"
    assert stored.solution_en == "Re-spliced the drop fibre at the wall box"
    assert stored.cause_en == "fibre_cut"
    assert stored.linked_order_ids == [str(order.id)]
    assert stored.created_by_id == boss.user_id  # type: ignore[attr-defined]
    hits = await service.search(actor=boss, text="LOS 红色")
    assert [h.entry.id for h in hits] == [entry.id]


async def test_only_a_solved_order_is_written_up(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    for order in (await _solved_order(status=Status.ON_SITE), await _solved_order(resolution="")):
        assert (
            await _code(
                service.create_from_work_order(
                    actor=desk, work_order_id=order.id, problem_type=ProblemType.OTHER
                )
            )
            == "NOT_SOLVED"
        )
    tech = actor_of(await make_user())
    order = await _solved_order()
    assert (
        await _code(
            service.create_from_work_order(actor=tech, work_order_id=order.id, problem_type=ProblemType.OTHER)
        )
        == "FORBIDDEN"
    )


async def test_create_is_idempotent_by_id(db: Any) -> None:
    order = await _solved_order()
    desk = actor_of(await make_user(Role.DISPATCHER))
    entry_id = uuid.uuid4()
    call = {"actor": desk, "work_order_id": order.id, "problem_type": ProblemType.HARDWARE, "id": entry_id}
    first = await service.create_from_work_order(**call)
    again = await service.create_from_work_order(**call)
    assert first.id == again.id == entry_id
    assert await KnowledgeEntry.all().count() == 1
    assert await _code(service.create_from_work_order(**{**call, "system_type": "ONU"})) == "CONFLICT"


# --- merging and using ---------------------------------------------------------------------------


async def test_merge_keeps_both_texts_and_all_links(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    a_order, b_order = uuid.uuid4(), uuid.uuid4()
    target = await make_knowledge_entry(
        symptom_zh="光猫红灯闪烁", symptom_en="", solution_zh="重新熔接光纤", linked_order_ids=[str(a_order)]
    )
    source = await make_knowledge_entry(
        symptom_zh="光猫LOS灯亮红色",
        symptom_en="ONU LOS light red",
        solution_zh="重新熔接光纤",
        linked_order_ids=[str(b_order), str(a_order)],
    )
    merged = await service.merge_entries(actor=desk, source_id=source.id, target_id=target.id)
    assert merged.symptom_zh == "光猫红灯闪烁\n光猫LOS灯亮红色"
    assert merged.symptom_en == "ONU LOS light red"
    assert merged.solution_zh == "重新熔接光纤"  # the same text is not repeated
    assert merged.linked_order_ids == [str(a_order), str(b_order)]
    kept = await KnowledgeEntry.get(id=source.id)
    assert kept.merged_into_id == target.id  # type: ignore[attr-defined]
    assert kept.symptom_zh == "光猫LOS灯亮红色"
    # The folded-in wording now finds the target, and only the target.
    hits = await service.search(actor=desk, text="LOS 红色")
    assert [h.entry.id for h in hits] == [target.id]
    assert await _code(service.merge_entries(actor=desk, source_id=source.id, target_id=target.id)) == (
        "ALREADY_MERGED"
    )
    assert await _code(service.merge_entries(actor=desk, source_id=target.id, target_id=target.id)) == (
        "VALIDATION_FAILED"
    )


async def test_attach_the_solution_used(db: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech, status=Status.ON_SITE)
    target = await make_knowledge_entry(symptom_en="No dial tone")
    old = await make_knowledge_entry(symptom_en="Phone has no dial tone", merged_into=target)
    me = actor_of(tech)
    use = await service.attach_solution(actor=me, work_order_id=order.id, entry_id=old.id)
    assert use.entry_id == target.id  # type: ignore[attr-defined]
    again = await service.attach_solution(actor=me, work_order_id=order.id, entry_id=target.id)
    assert again.id == use.id
    assert await SolutionUse.all().count() == 1
    stranger = actor_of(await make_user())
    assert await _code(
        service.attach_solution(actor=stranger, work_order_id=order.id, entry_id=target.id)
    ) == ("NOT_FOUND")
    assert await _code(service.attach_solution(actor=me, work_order_id=order.id, entry_id=uuid.uuid4())) == (
        "NOT_FOUND"
    )
