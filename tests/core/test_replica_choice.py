"""core/replica.py without a replica: the WAL positions, and what the page says.

The replica itself is tested in tests/core/test_replica.py."""

from core import replica


def test_a_wal_position_is_its_byte_offset():
    assert replica.lsn_bytes("0/0") == 0
    assert replica.lsn_bytes("0/16B3748") == 0x16B3748
    assert replica.lsn_bytes("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert replica.lsn_bytes("1/0") - replica.lsn_bytes("0/FFFFFFFF") == 1


def test_with_no_replica_configured_reports_read_the_primary_and_say_nothing():
    assert not replica.configured()
    with replica.reports_read() as source:
        assert source.alias == replica.PRIMARY
        assert replica.ReplicaRouter().db_for_read(None) == replica.PRIMARY
    assert source.note == ""


def test_the_page_says_which_database_it_read():
    behind = replica.ReadSource(replica.REPLICA, lag_bytes=1234, limit_bytes=4096)
    assert behind.note == (
        "Figures read from the reporting copy of the database, "
        "1,234 bytes behind the main one."
    )
    too_far = replica.ReadSource(replica.PRIMARY, problem="the copy was far behind")
    assert (
        too_far.note == "Figures read from the main database: the copy was far behind."
    )
