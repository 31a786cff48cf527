"""``InFlight`` (crawler/engine/workers.py): the budget of pages handed on for extraction
and writing — a count and a byte bound, one page of any size when none is in flight,
first come first served, and a cancelled waiter neither blocks nor leaks its share."""

from __future__ import annotations

import asyncio

from crawler.engine.workers import InFlight


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_the_count_bound_holds_and_a_release_lets_the_next_one_in() -> None:
    async def go() -> list[str]:
        budget = InFlight(pages=2, size=10_000)
        order: list[str] = []

        async def take(name: str) -> None:
            await budget.acquire(10)
            order.append(name)

        await budget.acquire(10)
        await budget.acquire(10)
        waiter = asyncio.create_task(take("third"))
        await _settle()
        assert order == [] and budget.pages == 2
        budget.release(10)
        await waiter
        assert order == ["third"] and budget.pages == 2 and budget.bytes == 20
        return order

    asyncio.run(go())


def test_the_byte_bound_holds_but_one_big_page_passes_alone() -> None:
    async def go() -> None:
        budget = InFlight(pages=100, size=1_000)
        await budget.acquire(600)
        big = asyncio.create_task(budget.acquire(5_000))  # over the bound: waits for none
        await _settle()
        assert not big.done() and budget.bytes == 600
        budget.release(600)
        await big
        assert budget.pages == 1 and budget.bytes == 5_000
        small = asyncio.create_task(budget.acquire(1))  # even a small one waits now
        await _settle()
        assert not small.done()
        budget.release(5_000)
        await small
        assert (budget.pages, budget.bytes) == (1, 1)

    asyncio.run(go())


def test_waiters_are_served_in_order_and_a_big_one_is_not_overtaken() -> None:
    async def go() -> list[int]:
        budget = InFlight(pages=10, size=100)
        served: list[int] = []

        async def take(size: int) -> None:
            await budget.acquire(size)
            served.append(size)

        await budget.acquire(90)
        tasks = [asyncio.create_task(take(size)) for size in (50, 5, 5)]
        await _settle()
        assert served == []  # 5 would fit, but the 50 before it waits: no overtaking
        budget.release(90)
        await asyncio.gather(*tasks)
        return served

    assert asyncio.run(go()) == [50, 5, 5]


def test_a_cancelled_waiter_neither_blocks_the_queue_nor_keeps_a_share() -> None:
    async def go() -> None:
        budget = InFlight(pages=1, size=1_000)
        await budget.acquire(10)
        first = asyncio.create_task(budget.acquire(10))
        second = asyncio.create_task(budget.acquire(20))
        await _settle()
        first.cancel()
        await _settle()
        budget.release(10)
        await second
        assert (budget.pages, budget.bytes) == (1, 20)
        # granted and cancelled before it ran: its share goes back
        third = asyncio.create_task(budget.acquire(30))
        await _settle()
        budget.release(20)  # grants the third ...
        third.cancel()  # ... which is cancelled before it resumes
        await _settle()
        assert third.cancelled()
        assert (budget.pages, budget.bytes) == (0, 0)

    asyncio.run(go())
