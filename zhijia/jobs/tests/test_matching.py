"""Hard constraints and scoring of the matcher, on in-memory entries and through the incremental index."""

import datetime

import pytest

from zhijia.core.geo import distance_km, division_centre
from zhijia.jobs import matching, taxonomy
from zhijia.jobs.matching import MatchIndex, SeekerEntry, Weights

from .conftest import TODAY

GUSU = division_centre("320508")
WUZHONG = division_centre("320506")
NANJING = division_centre("320102")
DAY = TODAY.toordinal()


def vacancy(id=1, occupation="焊工", skills=("二保焊", "看图"), level=0, wage=(6000, 8000), point=GUSU, shifts=(),
            until=30, since=-1, education=0):
    return matching.VacancyEntry(
        id, occupation, taxonomy.category_of(occupation), frozenset({occupation, *skills}), tuple(skills), level,
        education, wage[0], wage[1], point[0], point[1], frozenset(shifts), DAY + since, DAY + until,
        (f"o:{occupation}", *(f"s:{s}" for s in skills)))


def seeker(id=1, occupations=("焊工",), skills=("二保焊",), level=2, wage=6500, point=GUSU, km=15, shifts=(),
           start=0, priority="", education=3):
    return SeekerEntry(id, tuple(occupations), frozenset(taxonomy.category_of(o) for o in occupations),
                       frozenset({*occupations, *skills}), tuple(skills), level, education, wage, point[0], point[1],
                       km, frozenset(shifts), DAY + start, priority, (*(f"o:{o}" for o in occupations),
                                                                      *(f"s:{s}" for s in skills)))


def index_of(*vacancies, seekers=()):
    index = MatchIndex()
    for v in vacancies:
        index.put_vacancy(v)
    for s in seekers:
        index.put_seeker(s)
    return index


def test_synonyms_name_one_occupation():
    assert taxonomy.canonical("电焊工") == "焊工"
    assert taxonomy.canonical("急招数控车工（两班倒）") == "数控操作工"  # longest alias wins over 车工
    assert taxonomy.canonical("外卖骑手") == "外卖骑手"
    assert taxonomy.canonical("宇航员") is None


def test_district_centres_and_distance():
    assert 5 < distance_km(GUSU, WUZHONG) < 15
    assert distance_km(GUSU, NANJING) > 150
    assert division_centre("320508") != division_centre("320506")
    assert division_centre("999999") is None


@pytest.mark.parametrize("v, s, why", [
    (vacancy(until=-1, since=-30), seeker(), "expired"),
    (vacancy(since=5), seeker(), "not yet open"),
    (vacancy(point=NANJING), seeker(), "too far"),
    (vacancy(wage=(3000, 5000)), seeker(wage=6500), "wage below expectation"),
    (vacancy(level=3), seeker(level=2), "level too low"),
    (vacancy(education=5), seeker(education=3), "education too low"),
    (vacancy(until=10), seeker(start=20), "starts after it closes"),
])
def test_hard_constraints_filter(v, s, why):
    assert index_of(v).for_seeker(s) == [], why


def test_a_fitting_vacancy_is_found_with_its_reasons():
    found = index_of(vacancy()).for_seeker(seeker())
    assert [m.id for m in found] == [1]
    assert found[0].reasons.startswith("技能: ")
    assert "二保焊" in found[0].reasons and "距离 " in found[0].reasons and "工资 6000–8000" in found[0].reasons


def test_skill_tags_keep_how_they_were_typed_and_reasons_read_like_people_write():
    assert taxonomy.skill_labels(["CNC", "cnc", " Excel ", "二保焊", ""]) == ["CNC", "Excel", "二保焊"]
    assert taxonomy.skill_tags(["CNC", "Excel"]) == ["cnc", "excel"]  # what matching compares
    assert [taxonomy.display(word) for word in ("cnc", "plc", "excel", "java", "tig", "abaqus", "二保焊")] == [
        "CNC", "PLC", "Excel", "Java", "TIG", "abaqus", "二保焊"]
    found = index_of(vacancy(skills=("cnc", "看图"))).for_seeker(seeker(skills=("cnc",)))
    assert "技能: CNC" in found[0].reasons


def test_closer_better_paid_same_occupation_ranks_first():
    index = index_of(
        vacancy(1, point=WUZHONG, wage=(6000, 7000)),
        vacancy(2, point=GUSU, wage=(7000, 8000)),
        vacancy(3, occupation="电工", skills=("二保焊",), point=GUSU),  # same skill, other occupation
    )
    assert [m.id for m in index.for_seeker(seeker())] == [2, 1, 3]


def test_weights_are_configuration():
    index = index_of(vacancy(1, point=WUZHONG, wage=(9000, 9500)), vacancy(2, point=GUSU, wage=(6000, 7000)))
    distance_only = Weights(occupation=0, skills=0, level=0, distance=1, wage=0, shift=0, priority=0)
    wage_only = Weights(occupation=0, skills=0, level=0, distance=0, wage=1, shift=0, priority=0)
    assert index.for_seeker(seeker(), weights=distance_only)[0].id == 2
    assert index.for_seeker(seeker(), weights=wage_only)[0].id == 1


def test_priority_seekers_rank_first_for_a_vacancy_all_else_equal():
    index = index_of(seekers=[seeker(1), seeker(2, priority="migrant")])
    found = index.for_vacancy(vacancy())
    assert [m.id for m in found] == [2, 1]
    assert "重点帮扶对象" in found[0].reasons


def test_a_seeker_range_applies_to_vacancy_side_queries():
    index = index_of(seekers=[seeker(1, km=3, point=WUZHONG), seeker(2, km=30, point=WUZHONG)])
    assert [m.id for m in index.for_vacancy(vacancy(point=GUSU))] == [2]


def test_dropping_and_replacing_entries_updates_postings():
    index = index_of(vacancy(1))
    index.put_vacancy(vacancy(1, occupation="电工", skills=("低压电工证",)))
    assert index.for_seeker(seeker()) == []
    index.drop_vacancy(1)
    assert index.vacancies == {} and not any(index.v_postings.values())


@pytest.mark.django_db
def test_the_index_catches_up_with_saved_changes_without_rebuilding(post, seeker):
    profile = seeker()
    first = post()
    index = matching.index()
    built = index
    assert [m.id for m in index.for_seeker(matching.seeker_entry(profile))] == [first.pk]

    second = post(title="氩弧焊工", wage_min=7000, wage_max=9000)
    first.valid_until = TODAY - datetime.timedelta(days=1)
    first.valid_from = TODAY - datetime.timedelta(days=10)
    first.save()
    index = matching.index()
    assert index is built  # the same index, caught up, not rebuilt
    assert [m.id for m in index.for_seeker(matching.seeker_entry(profile))] == [second.pk]
