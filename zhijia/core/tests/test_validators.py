import datetime
import random

import pytest
from stdnum.cn import ric

from zhijia.core.errors import ErrorCode, ValidationFailed
from zhijia.core.generators import fake_credit_code, fake_id_number, fake_phone
from zhijia.core.validators import (
    clean_contact_phone,
    clean_date,
    clean_credit_code,
    clean_division_code,
    clean_id_number,
    clean_phone,
    clean_required,
    division_from_place,
    division_name,
    id_number_birth_date,
    id_number_gender,
)

# The worked example of GB 11643: born 1949-12-31 in 北京市朝阳区, check digit X.
STANDARD_EXAMPLE = "11010519491231002X"


def refused(fn, *args, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as excinfo:
        fn(*args, **kwargs)
    return excinfo.value


# ---- 身份证号 ----------------------------------------------------------------------------------


def test_standard_example_id_number_is_accepted_and_normalized():
    # given the standard's example typed with a lower-case x and spaces
    # when it is cleaned
    number = clean_id_number(" 110105 19491231 002x ")
    # then it comes back upper-case and compact
    assert number == STANDARD_EXAMPLE


def test_generated_id_numbers_are_valid():
    rng = random.Random(1)
    for code in ("320508", "320100", "341221", "520502"):
        number = fake_id_number(rng, code)
        assert clean_id_number(number) == number


def test_id_number_born_where_the_code_is_now_revoked_is_still_valid():
    # given someone born in 1980 in 苏州市沧浪区 (320502), merged into 姑苏区 in 2012: their number keeps the old code
    assert clean_id_number("320502198001010018") == "320502198001010018"


def test_gender_and_birth_date_come_from_the_number():
    assert id_number_birth_date(STANDARD_EXAMPLE) == datetime.date(1949, 12, 31)
    assert id_number_gender(STANDARD_EXAMPLE) == "F"  # 17th digit 2: even
    assert id_number_gender("320508199003071239") == "M"  # 17th digit 3: odd


@pytest.mark.parametrize(
    "value, code, words",
    [
        ("", ErrorCode.REQUIRED, "请填写"),
        ("11010519491231002", ErrorCode.INVALID_ID_NUMBER, "18位"),
        ("11010519491231002XX", ErrorCode.INVALID_ID_NUMBER, "18位"),
        ("1101051949123100AX", ErrorCode.INVALID_ID_NUMBER, "只能包含数字"),
        ("110105194912310021", ErrorCode.INVALID_ID_NUMBER, "校验位"),  # one digit off: the checksum catches it
        ("110105194912310120", ErrorCode.INVALID_ID_NUMBER, "校验位"),  # two digits swapped (…002X -> …012…)
        ("320508199002301231", ErrorCode.INVALID_ID_NUMBER, "出生日期无效"),  # 30 February, right check digit
        ("990000199003071235", ErrorCode.INVALID_ID_NUMBER, "前六位"),  # no such place code, right check digit
    ],
)
def test_bad_id_numbers_are_refused_with_a_reason(value, code, words):
    error = refused(clean_id_number, value)
    assert error.code == code and words in error.message and error.field == "id_number"


def test_check_digits_in_the_bad_cases_are_right_so_the_other_rule_is_what_fails():
    for number in ("320508199002301231", "990000199003071235"):
        assert ric.calc_check_digit(number) == number[-1]


def test_birth_date_in_the_future_is_refused():
    # given a number of someone "born" on 2010-01-01, checked as if today were 2000-01-01
    body = "32050820100101123"
    number = body + ric.calc_check_digit(body + "0")
    # when / then
    error = refused(clean_id_number, number, today=datetime.date(2000, 1, 1))
    assert error.code == ErrorCode.INVALID_ID_NUMBER and "不合理" in error.message
    assert clean_id_number(number, today=datetime.date(2020, 1, 1)) == number


def test_birth_before_1900_is_refused():
    body = "11010518991231002"
    error = refused(clean_id_number, body + ric.calc_check_digit(body + "0"))
    assert "不合理" in error.message


def test_error_names_the_field_the_caller_asked_for():
    assert refused(clean_id_number, "123", field="rows.3.id_number").field == "rows.3.id_number"


# ---- 统一社会信用代码 ---------------------------------------------------------------------------


def test_generated_union_credit_code_is_valid_and_normalized():
    code = fake_credit_code(random.Random(3), "320508")
    assert code.startswith("81320508")
    assert clean_credit_code(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    "value, code",
    [
        ("", ErrorCode.REQUIRED),
        ("91320000MA1X0000", ErrorCode.INVALID_CREDIT_CODE),  # 16 characters
        ("91320000MA1X000005", ErrorCode.INVALID_CREDIT_CODE),  # right length, wrong check character (4 is right)
        ("91320000MA1X0000I4", ErrorCode.INVALID_CREDIT_CODE),  # I is not in the GB 32100 alphabet
    ],
)
def test_bad_credit_codes_are_refused(value, code):
    error = refused(clean_credit_code, value)
    assert error.code == code and error.field == "credit_code"


def test_credit_code_with_right_check_character_passes():
    assert clean_credit_code("91320000MA1X000004") == "91320000MA1X000004"


# ---- 手机号码 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["13812345678", "+86 138 1234 5678", "138-1234-5678", " 19912345678 "])
def test_mainland_mobile_numbers_are_accepted_and_normalized(value):
    assert clean_phone(value) in {"13812345678", "19912345678"}


def test_generated_phones_are_valid():
    rng = random.Random(4)
    for _ in range(20):
        phone = fake_phone(rng)
        assert clean_phone(phone) == phone


@pytest.mark.parametrize(
    "value, code",
    [
        ("", ErrorCode.REQUIRED),
        ("1381234567", ErrorCode.INVALID_PHONE),  # 10 digits
        ("138123456789", ErrorCode.INVALID_PHONE),  # 12 digits
        ("12812345678", ErrorCode.INVALID_PHONE),  # no 12x mobile prefix
        ("02161234567", ErrorCode.INVALID_PHONE),  # a landline
        ("1381234567a", ErrorCode.INVALID_PHONE),
    ],
)
def test_bad_phones_are_refused(value, code):
    error = refused(clean_phone, value)
    assert error.code == code and error.field == "phone"


# ---- 行政区划代码 ---------------------------------------------------------------------------------


def test_current_division_code_is_accepted_and_named():
    assert clean_division_code(" 320508 ") == "320508"
    assert division_name("320508") == "江苏省苏州市姑苏区"


@pytest.mark.parametrize(
    "value, code, words",
    [
        ("", ErrorCode.REQUIRED, "请填写"),
        ("3205", ErrorCode.INVALID_DIVISION_CODE, "6位数字"),
        ("32050a", ErrorCode.INVALID_DIVISION_CODE, "6位数字"),
        ("999999", ErrorCode.INVALID_DIVISION_CODE, "不存在或已撤销"),
        ("320502", ErrorCode.INVALID_DIVISION_CODE, "不存在或已撤销"),  # 沧浪区, revoked in 2012
    ],
)
def test_bad_or_revoked_division_codes_are_refused(value, code, words):
    error = refused(clean_division_code, value)
    assert error.code == code and words in error.message and error.field == "division_code"


# ---- Required text ----------------------------------------------------------------------------


def test_required_text_is_trimmed_and_bounded():
    assert clean_required("  苏州精工  ", field="name", label="名称") == "苏州精工"
    assert refused(clean_required, "  ", field="name", label="名称").message == "请填写名称"
    error = refused(clean_required, "工" * 11, field="name", label="名称", max_length=10)
    assert error.code == ErrorCode.INVALID and error.field == "name" and "10" in error.message


def test_reused_division_code_takes_its_newest_name():
    # 320800 was 淮阴市 until 1999 and is 淮安市 since 2000: in use, under its current name
    from zhijia.core.validators import clean_division_code, division_name

    assert clean_division_code("320800") == "320800"
    assert division_name("320800") == "江苏省淮安市"


@pytest.mark.parametrize(("typed", "code"), [
    ("姑苏区", "320508"), ("苏州市姑苏区", "320508"), ("江苏省苏州市姑苏区", "320508"), ("苏州", "320500"),
    ("南京市玄武区", "320102"), ("320508", "320508"), ("", ""),
])
def test_a_place_name_stands_for_its_division_code(typed, code):
    assert division_from_place(typed) == code


def test_a_place_not_found_or_ambiguous_asks_for_more():
    with pytest.raises(ValidationFailed) as missing:
        division_from_place("火星基地", field="place")
    assert missing.value.field == "place" and "没有找到这个地区" in missing.value.message
    with pytest.raises(ValidationFailed) as ambiguous:
        division_from_place("鼓楼区")  # 南京、福州、徐州、开封 each have one
    assert "请写上省市" in ambiguous.value.message


@pytest.mark.parametrize(("typed", "stored"), [
    ("0512-65123456", "0512-65123456"), ("051265123456", "0512-65123456"), ("(010)62345678", "010-62345678"),
    ("139 1234 5678", "13912345678"),
])
def test_a_contact_phone_may_be_a_landline_with_its_area_code(typed, stored):
    assert clean_contact_phone(typed) == stored


@pytest.mark.parametrize("typed", ["65123456", "0512-123", "12345678901", "abc"])
def test_a_contact_phone_without_an_area_code_or_malformed_is_refused(typed):
    with pytest.raises(ValidationFailed) as refused:
        clean_contact_phone(typed, field="complainant_phone")
    assert refused.value.field == "complainant_phone" and "区号" in refused.value.message


def test_a_date_is_taken_as_a_date_or_its_iso_text_and_refused_by_name():
    assert clean_date("2026-11-01", field="starts_on", label="开始日期") == datetime.date(2026, 11, 1)
    assert clean_date(datetime.date(2026, 11, 1), field="starts_on", label="开始日期") == datetime.date(2026, 11, 1)
    with pytest.raises(ValidationFailed) as blank:
        clean_date(" ", field="starts_on", label="开始日期")
    assert (blank.value.code, blank.value.message) == (ErrorCode.REQUIRED, "请填写开始日期")
    with pytest.raises(ValidationFailed) as malformed:
        clean_date("明天", field="starts_on", label="开始日期")
    assert malformed.value.code == ErrorCode.INVALID_DATE and malformed.value.field == "starts_on"
