"""A replica waiting for its share to be restored still stops when asked."""

import asyncio

from complaint_platform.assignment import PartitionShare


def test_waiting_for_a_restore_gives_way_to_stopping():
    async def scenario() -> tuple[bool, bool]:
        share = PartitionShare(handler=None, owner=None, executor=None)
        share._loading = asyncio.create_task(asyncio.sleep(3600))  # a database that stays down
        stopping = asyncio.Event()
        asyncio.get_running_loop().call_later(0.05, stopping.set)
        stopped = await asyncio.wait_for(share.ready(stopping), 5)
        await share.stop()
        return stopped, share._loading is None

    assert scenario_result(scenario) == (False, True)


def test_a_restored_share_is_ready_at_once():
    async def scenario() -> bool:
        share = PartitionShare(handler=None, owner=None, executor=None)
        share._loading = asyncio.create_task(asyncio.sleep(0))
        return await asyncio.wait_for(share.ready(asyncio.Event()), 5)

    assert scenario_result(scenario) is True


def scenario_result(scenario):
    return asyncio.run(scenario())
