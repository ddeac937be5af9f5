"""Who is woken by what: commits wake the subscribers that follow the kinds they wrote, per cluster."""
from orchestrator.store import notify


def subscription(kinds):
    sub = notify.Subscription(kinds)
    return sub


def test_a_commit_wakes_only_the_subscribers_of_its_kinds_in_its_cluster():
    scheduler, heartbeats, everything = subscription(("Pod", "Node")), subscription(("Node", notify.MACHINES)), subscription(None)
    try:
        notify.revision_committed(9001, 10, kinds={"Lease"})
        assert scheduler.take() == {} and heartbeats.take() == {}
        assert everything.take() == {9001: {"Lease"}}
        notify.revision_committed(9001, 11, kinds={"Pod", "Event"})
        assert scheduler.take() == {9001: {"Pod", "Event"}}
        assert heartbeats.take() == {}
    finally:
        for sub in (scheduler, heartbeats, everything):
            sub.close()


def test_machines_wake_only_the_node_agents_and_a_changed_row_wakes_everyone():
    scheduler, heartbeats = subscription(("Pod", "Node")), subscription(("Node", notify.MACHINES))
    try:
        notify.cluster_changed(9002, kinds=[notify.MACHINES], relay=False)
        assert scheduler.take() == {}
        assert heartbeats.take() == {9002: {notify.MACHINES}}
        notify.cluster_changed(9002, relay=False)
        assert scheduler.take() == {9002: {notify.EVERYTHING}}
        assert heartbeats.take() == {9002: {notify.EVERYTHING}}
    finally:
        scheduler.close()
        heartbeats.close()


def test_the_newest_revision_of_each_kind_is_known():
    notify.revision_committed(9003, 5, kinds={"Lease"})
    notify.revision_committed(9003, 7, kinds={"Pod"})
    assert notify.latest_of(9003, ("Pod",)) == 7
    assert notify.latest_of(9003, ("Node",)) == 0
    notify.revision_committed(9003, 8)  # kinds not said: any reader must look
    assert notify.latest_of(9003, ("Node",)) == 8


def test_a_closed_subscription_hears_nothing():
    sub = subscription(None)
    sub.close()
    notify.revision_committed(9004, 3, kinds={"Pod"})
    assert sub.take() == {}


def test_an_async_waiter_of_some_kinds_is_woken_by_their_commits_only():
    import asyncio
    import threading

    async def scenario() -> list[bool]:
        page = notify.AsyncWaiter(9102, kinds=("Pod", "Node"))
        anything = notify.AsyncWaiter(9102)
        seen = []
        try:
            for revision, kinds in enumerate((["Lease"], ["Lease", "Pod"], None), start=1):
                notify.revision_committed(9102, revision, kinds=kinds, relay=False)
                await asyncio.sleep(0)  # let the loop run the wake-ups it was handed
                seen.append((page.event.is_set(), anything.event.is_set()))
                page.event.clear()
                anything.event.clear()
        finally:
            page.close()
            anything.close()
        return seen

    # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    seen = []
    thread = threading.Thread(target=lambda: seen.append(asyncio.run(scenario())))
    thread.start()
    thread.join(30)
    assert seen == [[(False, True), (True, True), (True, True)]]
