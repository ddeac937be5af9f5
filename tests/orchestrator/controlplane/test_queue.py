from orchestrator.controlplane.queue import WorkQueue


def test_keys_come_out_when_due_earliest_first_and_once():
    queue = WorkQueue()
    queue.add("b", 5.0)
    queue.add("a", 3.0)
    queue.add("c", 9.0)
    queue.add("b", 1.0)  # moved earlier: the earliest time wins
    queue.add("a", 8.0)  # a later time does not postpone a key
    assert queue.next_due() == 1.0
    assert queue.pop_ready(4.0, limit=10) == ["b", "a"]
    assert queue.pop_ready(4.0, limit=10) == []
    assert queue.next_due() == 9.0
    assert len(queue) == 1


def test_pop_ready_takes_at_most_the_limit():
    queue = WorkQueue()
    for i in range(10):
        queue.add(f"k{i}", float(i))
    assert queue.pop_ready(100.0, limit=3) == ["k0", "k1", "k2"]
    assert len(queue) == 7


def test_many_moves_of_one_key_leave_one_entry():
    queue = WorkQueue()
    for i in range(1000):
        queue.add("node", 1000.0 - i)
    assert queue.pop_ready(2000.0, limit=10) == ["node"]
    assert queue.next_due() is None
