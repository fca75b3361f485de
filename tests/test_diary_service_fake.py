"""The diary use cases of test_diary_service.py again, on the in-memory fake of the storage port:
the same behaviour without a database, fast enough for the unit tier (``make test-fast``)."""

from __future__ import annotations

import pytest

from fakes import FakeDiaryStore
from rugwijzer.diary.model import NewEntry
from rugwijzer.diary.service import DiaryService
from rugwijzer.services.assessing import Assessor
from test_diary_service import *  # noqa: F403 (every scenario, with the fixtures below)
from test_diary_service import _start


@pytest.fixture
def service(assessor: Assessor) -> DiaryService:
    return DiaryService(FakeDiaryStore(), assessor)


@pytest.fixture
def any_service(assessor: Assessor) -> DiaryService:
    return DiaryService(FakeDiaryStore(), assessor)


def test_a_failed_write_keeps_nothing(service: DiaryService) -> None:
    from diary_support import day

    _start(service)
    before = service.history("en").latest
    with pytest.raises(Exception):  # noqa: B017 (any error: the point is what is kept)
        service.db.write(lambda uow: (uow.diary.add_entry(1, NewEntry(day(1), 4), None, None), 1 / 0))
    assert service.history("en").latest == before
