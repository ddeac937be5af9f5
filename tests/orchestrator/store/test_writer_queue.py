"""The in-process queue of SQLite writers: one at a time, clients' writes first."""
import threading

from orchestrator.store.services import WriterQueue
from tests.live import wait_for


def test_a_client_write_goes_before_a_component_pass_that_waited_longer():
    queue = WriterQueue()
    order = []
    assert queue.acquire(client=False)  # a component pass holds the writer

    def writer(name, client):
        assert queue.acquire(client=client)
        order.append(name)
        queue.release()

    component = threading.Thread(target=writer, args=("controller", False))
    component.start()
    wait_for(lambda: queue.waiting == 1, 5, "the controller waiting", interval=0.001)
    client = threading.Thread(target=writer, args=("kubectl", True))
    client.start()
    wait_for(lambda: queue.waiting == 2, 5, "kubectl waiting too", interval=0.001)
    assert order == []  # nobody writes while the holder does
    queue.release()
    component.join(5)
    client.join(5)
    assert order == ["kubectl", "controller"]


def test_a_writer_that_cannot_get_its_turn_gives_up_after_its_timeout():
    queue = WriterQueue()
    assert queue.acquire(client=True)
    assert not queue.acquire(client=True, timeout=0.05)
    queue.release()
    assert queue.acquire(client=False, timeout=0.05)
