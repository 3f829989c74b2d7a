"""model.evolve is dataclasses.replace, faster for the classes whose instances it copies by their __dict__."""
from __future__ import annotations

import dataclasses
from functools import cached_property

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.model import (
    Application,
    Assembled,
    Extracted,
    FileVersion,
    FormData,
    Issue,
    SummaryData,
    Value,
    _copyable_fields,
    evolve,
)

ISSUE = Issue(code="field.missing", severity="error", file="石家庄/1-申请表.xlsx", location="B3", message="未填写")
FILE = FileVersion(path="石家庄/1-申请表.xlsx", unit="石家庄市工业和信息化局", folder="石家庄", sha256="ab" * 32, size=10, mtime=0.0,
                   first_seen="2021-09-01T10:00:00+08:00")
BASE = Application(unit="石家庄市工业和信息化局", enterprise="河北甲公司", form_file=FILE,
                   form=FormData(fields={"申报单位": Value("河北甲公司")}, yearly={}), issues=(ISSUE,))

CHANGES = st.fixed_dictionaries({}, optional={
    "rank": st.none() | st.integers(-5, 50), "status": st.sampled_from(["通过", "需补正", "超出名额"]),
    "issues": st.lists(st.just(ISSUE), max_size=3).map(tuple), "late": st.booleans(), "over_quota": st.booleans(),
    "withdrawn_at": st.text(max_size=5), "summary": st.none() | st.just(SummaryData(sections={})),
    "attachments": st.lists(st.just(FILE), max_size=2).map(tuple), "listed_in_opinion": st.booleans()})


@given(CHANGES)
def test_evolve_equals_replace_for_applications(changes):
    made, expected = evolve(BASE, **changes), dataclasses.replace(BASE, **changes)
    assert made == expected and type(made) is Application
    assert list(vars(made).items()) == list(vars(expected).items())  # every field, in the same order
    assert made is not BASE and vars(BASE) == vars(dataclasses.replace(BASE))  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.rank = 1  # still frozen


def test_evolve_rejects_what_replace_rejects():
    with pytest.raises(TypeError):
        evolve(BASE, no_such_field=1)
    with pytest.raises(TypeError):
        evolve(ISSUE, no_such_field=1)  # a slotted class: replace itself


def test_evolve_copies_only_classes_where_a_copy_equals_replace():
    assert _copyable_fields(Application) and _copyable_fields(Extracted)
    assert _copyable_fields(Issue) is None and _copyable_fields(FileVersion) is None  # slots: no __dict__
    assert _copyable_fields(Assembled) is None  # cached_property by_unit must not be carried over

    @dataclasses.dataclass(frozen=True)
    class Checked:
        a: int

        def __post_init__(self):
            if self.a < 0:
                raise ValueError("negative")

    @dataclasses.dataclass(frozen=True)
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    @dataclasses.dataclass(frozen=True)
    class Cached:
        a: int

        @cached_property
        def twice(self) -> int:
            return 2 * self.a

    assert _copyable_fields(Checked) is None and _copyable_fields(Derived) is None
    with pytest.raises(ValueError):
        evolve(Checked(1), a=-1)  # __post_init__ still runs
    cached = Cached(1)
    assert cached.twice == 2 and evolve(cached, a=5).twice == 10
    assert evolve(ISSUE, message="改") == dataclasses.replace(ISSUE, message="改")


def test_frozen_slotted_classes_pickle_as_the_call_that_makes_them():
    """Every frozen dataclass with slots of the model (what a reader's result holds by the dozen) pickles as
    cls(*fields) — not through dataclasses' __setstate__ — and comes back equal, a subclass as its model class."""
    import pickle

    from toolkit import model

    slotted = [cls for cls in vars(model).values()
               if isinstance(cls, type) and dataclasses.is_dataclass(cls) and "__slots__" in vars(cls)
               and cls.__module__ == model.__name__]
    assert len(slotted) >= 6
    samples = {model.Issue: ISSUE, model.FileVersion: FILE, model.Value: Value(3.5, "3.5", "申请表!C16", note="x")}
    for cls in slotted:
        sample = samples.get(cls) or cls(*(f"{f.name}-1" for f in dataclasses.fields(cls)))
        values = tuple(getattr(sample, f.name) for f in dataclasses.fields(cls))
        assert sample.__reduce_ex__(pickle.HIGHEST_PROTOCOL) == (cls, values), cls
        assert pickle.loads(pickle.dumps(sample, pickle.HIGHEST_PROTOCOL)) == sample
