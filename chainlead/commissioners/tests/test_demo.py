from chainlead.commissioners.choices import CommissionerKind, Provenance
from chainlead.commissioners.demo import poc_centres_load, synthetic_commissioners_load
from chainlead.commissioners.models import Commissioner
from chainlead.registry.models import District


def test_poc_centres_in_hangzhou_become_institutions_as_the_file_states(db):
    fuyang = District.objects.get_or_create(code="330111", defaults={"name": "富阳区"})[0]
    District.objects.get_or_create(code="330114", defaults={"name": "钱塘区"})
    created, skipped = poc_centres_load()
    # Two of the five centres are in Huzhou (德清县, 长兴县): not Hangzhou's.
    assert (created, skipped) == (3, 2)
    centre = Commissioner.objects.get(name="杭州市光机所光电功能材料概念验证中心")
    assert centre.kind == CommissionerKind.INSTITUTION
    assert centre.provenance == Provenance.PUBLIC
    assert centre.district == fuyang
    assert "光电材料" in centre.keywords
    assert "http" in centre.source_note
    assert poc_centres_load() == (0, 2)  # idempotent


def test_generated_commissioners_are_marked_synthetic(db):
    assert synthetic_commissioners_load(count=5) == 5
    assert set(Commissioner.objects.values_list("provenance", flat=True)) == {Provenance.SYNTHETIC}
    assert synthetic_commissioners_load(count=5) == 0
