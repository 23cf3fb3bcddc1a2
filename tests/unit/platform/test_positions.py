"""Where a service resumes each partition, and how it notices that its database lost writes."""

from dataclasses import dataclass

from complaint_platform.positions import lost_writes, positions_after, resume_position, rewind_position

CASES = "complaints.cases.intake"
FEEDBACK = "complaints.feedback"


@dataclass
class Record:
    topic: str
    partition: int
    offset: int


def test_positions_after_a_batch_are_the_next_offsets_per_partition():
    batch = [Record(CASES, 0, 7), Record(FEEDBACK, 2, 40), Record(CASES, 0, 8), Record(CASES, 1, 3)]
    assert positions_after(batch) == {(CASES, 0): 9, (FEEDBACK, 2): 41, (CASES, 1): 4}
    assert positions_after([]) == {}


def test_a_partition_resumes_from_the_database_position():
    # the database lost its last transactions: their records are read again
    assert resume_position(stored=120, committed=125) == 120
    # stopped between storing and committing: not handled again (its stored outputs are re-published)
    assert resume_position(stored=125, committed=120) == 125
    # a database from before positions were stored, or a group whose offsets expired
    assert resume_position(stored=None, committed=125) == 125
    assert resume_position(stored=125, committed=None) == 125
    # nothing handled yet: from the beginning
    assert resume_position(stored=None, committed=None) is None


def test_writes_are_lost_when_the_stored_position_is_behind_what_this_replica_stored():
    expected = {(CASES, 0): 50, (CASES, 1): 10, (FEEDBACK, 0): 7}
    stored = {(CASES, 0): 46, (CASES, 1): 10}
    assert lost_writes(expected, stored, [(CASES, 0), (CASES, 1)]) == [(CASES, 0)]
    # gone altogether: the first batch this replica stored there was lost too
    assert lost_writes(expected, stored, [(FEEDBACK, 0)]) == [(FEEDBACK, 0)]
    # ahead (another replica took over and moved on) or never stored by this replica: not a loss
    assert lost_writes(expected, {(CASES, 0): 60}, [(CASES, 0)]) == []
    assert lost_writes(expected, {}, [(FEEDBACK, 3)]) == []


def test_after_a_loss_each_partition_is_read_again_from_what_the_database_still_has():
    lost = [(CASES, 0), (FEEDBACK, 0)]
    stored = {(CASES, 0): 46, (CASES, 1): 10}
    origin = {(CASES, 0): 30, (FEEDBACK, 0): 5}
    assert rewind_position((CASES, 0), lost, stored, committed=50, origin=origin) == 46
    # Kafka committed past a lost partition's only stored position: back to where it started
    assert rewind_position((FEEDBACK, 0), lost, stored, committed=7, origin=origin) == 5
    assert rewind_position((FEEDBACK, 1), [(FEEDBACK, 1)], stored, committed=7, origin={}) is None
    # a partition that lost nothing goes on from where it was stored (the outputs of a batch
    # stored but not committed are re-published)
    assert rewind_position((CASES, 1), lost, stored, committed=9, origin=origin) == 10
