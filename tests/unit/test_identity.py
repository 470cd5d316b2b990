"""Citizen ID numbers (GB 11643-1999), mobile and landline numbers, and their masking."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huiquan_desk.domain.identity import (
    CHECK_CHARS,
    WEIGHTS,
    Sex,
    age_on,
    check_char,
    mask_id,
    mask_phone,
    normalize_id,
    normalize_phone,
    parse_id,
)
from tests.volunteer_helpers import KNOWN_FEMALE, KNOWN_MALE, gb11643_check, make_id, to_fullwidth

TODAY = date(2026, 11, 28)
# GB 11643-1999, written out (not imported from the code under test).
STANDARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
STANDARD_CHECK_CHARS = "10X98765432"  # indexed by the weighted sum mod 11

# --- strategies -------------------------------------------------------------------------------------
regions = st.builds(lambda first, rest: f"{first}{rest:05d}", st.integers(1, 8), st.integers(0, 99999))
births = st.dates(date(1900, 1, 1), date(2020, 12, 31))
sequences = st.integers(0, 999)


@st.composite
def valid_ids(draw) -> str:  # type: ignore[no-untyped-def]
    return make_id(draw(births), draw(sequences), draw(regions))


# --- the known numbers ------------------------------------------------------------------------------
def test_known_valid_numbers() -> None:
    female = parse_id(KNOWN_FEMALE, TODAY)
    assert (female.number, female.birth_date, female.sex) == (KNOWN_FEMALE, date(1949, 12, 31), Sex.FEMALE)
    male = parse_id(KNOWN_MALE, TODAY)
    assert (male.number, male.birth_date, male.sex) == (KNOWN_MALE, date(1880, 1, 1), Sex.MALE)
    assert check_char(KNOWN_FEMALE[:17]) == "X" and check_char(KNOWN_MALE[:17]) == "4"


def test_the_test_oracle_matches_the_standard_examples() -> None:
    """tests.volunteer_helpers.gb11643_check builds every valid number the tests use: pinned here."""
    assert gb11643_check(KNOWN_FEMALE[:17]) == "X" and gb11643_check(KNOWN_MALE[:17]) == "4"
    # 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167 ≡ 2 (mod 11) → "X"
    assert sum(int(d) * w for d, w in zip(KNOWN_FEMALE[:17], STANDARD_WEIGHTS, strict=True)) == 167
    assert gb11643_check("00000000000000000") == "1"  # sum 0 → the first check character


def test_the_code_uses_the_standard_weights_and_check_characters() -> None:
    assert tuple(WEIGHTS) == STANDARD_WEIGHTS and CHECK_CHARS == STANDARD_CHECK_CHARS


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_agrees_with_an_independent_implementation(first17: str) -> None:
    assert check_char(first17) == gb11643_check(first17)


@pytest.mark.parametrize("typed", [
    "11010519491231002x",  # lowercase x
    "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X
    "１１０１０５１９４９１２３１００２ｘ",  # full-width lowercase x
    " 110105 19491231 002X ",  # spaces
    "110105-19491231-002x",  # dashes
    "\u3000110105194912310\u200b02X\ufeff",  # ideographic space, zero-width space, BOM (copied from a chat)
])
def test_other_spellings_normalise_to_the_known_number(typed: str) -> None:
    assert normalize_id(typed) == KNOWN_FEMALE
    assert parse_id(typed, TODAY).number == KNOWN_FEMALE


def test_sex_follows_the_17th_digit_and_birth_date_the_middle() -> None:
    for seq, sex in ((1, "男"), (2, "女"), (9, "男"), (10, "女"), (999, "男"), (0, "女")):
        parsed = parse_id(make_id(date(1990, 7, 15), seq), TODAY)
        assert parsed.sex == sex and parsed.birth_date == date(1990, 7, 15)
    assert parse_id(KNOWN_FEMALE).masked == "110105********002X"


@pytest.mark.parametrize("typed,reason", [
    ("110105194912310021", "校验位"),  # check character should be X
    ("440524188001010015", "校验位"),  # should be 4
    ("11010519491231002", "18 位"),  # 17 characters
    ("11010519491231002X1", "18 位"),  # 19 characters
    ("1101051949123100AX", "前 17 位应为数字"),  # letters
    ("11010519491231002Y", "前 17 位应为数字"),
    ("X10105194912310021", "前 17 位应为数字"),
    ("110105491231002", "15 位"),  # the legacy 15-digit number
    ("", "不能为空"),
    ("   ", "不能为空"),
    (make_id(date(1980, 1, 1), region="010105"), "地址码"),
])
def test_known_invalid_numbers(typed: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_id(typed, TODAY)


def test_impossible_birth_date_is_rejected() -> None:
    first17 = "110105" + "20230230" + "123"  # 30 February 2023
    with pytest.raises(ValueError, match="20230230 不存在"):
        parse_id(first17 + gb11643_check(first17), TODAY)
    first17 = "110105" + "19491331" + "002"  # month 13
    with pytest.raises(ValueError, match="不存在"):
        parse_id(first17 + gb11643_check(first17), TODAY)


def test_future_birth_date_is_rejected() -> None:
    with pytest.raises(ValueError, match="不合理"):
        parse_id(make_id(date(2026, 11, 29)), TODAY)  # tomorrow
    assert parse_id(make_id(TODAY), TODAY).birth_date == TODAY  # born today is fine
    with pytest.raises(ValueError, match="不合理"):
        parse_id(make_id(date(2099, 1, 1)))  # against the real today
    with pytest.raises(ValueError, match="不合理"):
        parse_id(make_id(date(1879, 12, 31)), TODAY)  # before any living person


def test_non_ascii_digits_are_rejected_not_stored_in_a_second_spelling() -> None:
    # Arabic-Indic digits pass `\d` and int(); accepting them would let the same person in twice.
    arabic = "".join(chr(0x660 + int(c)) if c.isdigit() else c for c in KNOWN_FEMALE)
    with pytest.raises(ValueError):
        parse_id(arabic, TODAY)
    with pytest.raises(ValueError):
        normalize_phone("".join(chr(0x660 + int(c)) for c in "13812345678"))


def test_age_on() -> None:
    assert age_on(date(1949, 12, 31), date(2026, 12, 30)) == 76
    assert age_on(date(1949, 12, 31), date(2026, 12, 31)) == 77


# --- properties -------------------------------------------------------------------------------------
@given(regions, births, sequences)
def test_any_built_number_is_accepted_with_its_birth_date_and_sex(region: str, birth: date, seq: int) -> None:
    number = make_id(birth, seq, region)
    parsed = parse_id(number, TODAY)
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.sex == ("男" if seq % 2 else "女")
    # the other spellings give the same number
    assert parse_id(number.lower(), TODAY).number == number
    assert parse_id(to_fullwidth(number.lower()), TODAY).number == number


def test_every_single_digit_change_moves_the_weighted_sum_mod_11() -> None:
    """Why the property below holds: every weight is a non-zero residue mod 11 (11 is prime) and a
    digit changes by 1..9, so w·Δ ≢ 0 (mod 11); changing the check character itself picks another
    residue's character. Checked here exhaustively rather than taken on trust."""
    assert len(STANDARD_WEIGHTS) == 17 and len(set(STANDARD_CHECK_CHARS)) == 11
    assert all((w * delta) % 11 for w in STANDARD_WEIGHTS for delta in range(1, 10))


@pytest.mark.parametrize("number", [KNOWN_FEMALE, KNOWN_MALE, make_id(date(2000, 2, 29), 501)])
def test_every_single_digit_change_of_a_known_number_is_caught(number: str) -> None:
    for pos in range(18):
        for digit in "0123456789":
            if digit == number[pos]:
                continue
            mutated = number[:pos] + digit + number[pos + 1:]
            assert gb11643_check(mutated[:17]) != mutated[17], (pos, digit)  # invalid by the standard
            assert check_char(mutated[:17]) != mutated[17], (pos, digit)  # and caught by the code
            with pytest.raises(ValueError):
                parse_id(mutated, TODAY)


@given(valid_ids(), st.integers(0, 17), st.sampled_from("0123456789"))
def test_changing_any_one_character_to_another_digit_makes_it_invalid(number: str, pos: int, digit: str) -> None:
    if number[pos] == digit:
        digit = str((int(digit) + 1) % 10)
    mutated = number[:pos] + digit + number[pos + 1:]
    # The check character itself catches it (not only, say, a birth date made impossible).
    assert check_char(mutated[:17]) != mutated[17]
    with pytest.raises(ValueError):
        parse_id(mutated, TODAY)


@given(valid_ids(), st.integers(0, 15))
def test_swapping_two_adjacent_different_digits_is_caught(number: str, pos: int) -> None:
    if number[pos] == number[pos + 1]:
        return
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2:]
    assert check_char(swapped[:17]) != swapped[17]
    with pytest.raises(ValueError):
        parse_id(swapped, TODAY)


@given(st.text())
def test_normalize_id_is_idempotent(text: str) -> None:
    once = normalize_id(text)
    assert normalize_id(once) == once


@given(valid_ids(), st.lists(st.sampled_from([" ", "-", "\u3000", "\u200b"]), max_size=4))
def test_normalize_id_undoes_spacing_case_and_width(number: str, noise: list[str]) -> None:
    typed = "".join(noise) + to_fullwidth(number[:9]) + "".join(noise) + number[9:].lower()
    assert normalize_id(typed) == number


# --- phones -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", [
    "13812345678", "138 1234 5678", "138-1234-5678", "１３８１２３４５６７８", "１３８－１２３４－５６７８",
    "+86 138 1234 5678", "+8613812345678", "0086 13812345678", "0086-138-1234-5678", " 13812345678 ",
])
def test_mobile_spellings(typed: str) -> None:
    assert normalize_phone(typed) == "13812345678"


@pytest.mark.parametrize("typed", ["19912345678", "15000000000", "17712345678"])
def test_mobile_prefixes_13_to_19(typed: str) -> None:
    assert normalize_phone(typed) == typed


@pytest.mark.parametrize("typed,reason", [
    ("138123456789", "11 位手机号"),  # 12 digits
    ("1381234567", "11 位手机号"),  # 10 digits
    ("23812345678", "13-19"),  # leading 2
    ("12812345678", "13-19"),  # 12x is not a mobile prefix
    ("1381234567a", "11 位手机号"),  # a letter
    ("abcdefghijk", "11 位手机号"),
    ("12345678", "11 位手机号"),  # landline without 区号
    ("+86 23812345678", "13-19"),
])
def test_bad_phones_rejected(typed: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalize_phone(typed)


@pytest.mark.parametrize("typed,stored", [
    ("0591-12345678", "0591-12345678"),
    ("010-12345678", "010-12345678"),
    ("0591 12345678", "0591-12345678"),
    ("(0591)12345678", "0591-12345678"),
    ("（0591）12345678", "0591-12345678"),
    ("０５９１－１２３４５６７", "0591-1234567"),
    ("059112345678", "059112345678"),  # no separator: kept as typed (区号 length is ambiguous)
])
def test_landlines_with_area_code(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


def test_blank_phone_is_allowed() -> None:
    assert normalize_phone("") == "" and normalize_phone(None) == "" and normalize_phone("  ") == ""


# --- masking ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("number,masked", [
    ("11010519491231002X", "110105********002X"),
    ("440524188001010014", "440524********0014"),
    ("350102199001011234", "350102********1234"),
    ("11010519491231002x", "110105********002x"),  # masks what it is given; normalising is not its job
])
def test_id_masks_literally(number: str, masked: str) -> None:
    assert mask_id(number) == masked


@pytest.mark.parametrize("phone,masked", [
    ("13812345678", "138****5678"),
    ("19900001111", "199****1111"),
    ("15011112222", "150****2222"),
])
def test_mobile_masks_literally(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_masks() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_id(KNOWN_MALE) == "440524********0014"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0591-12345678") == "059*****5678"
    assert mask_id("") == "" and mask_phone("") == ""
    assert mask_id("1234567890") == "**********"  # too short to keep anything


def hidden_positions(original: str, masked: str) -> list[int]:
    """Where `masked` shows a star; every other position must show the original character."""
    assert len(masked) == len(original)
    assert all(m == o for m, o in zip(masked, original, strict=True) if m != "*")
    return [i for i, m in enumerate(masked) if m == "*" and original[i] != "*"]


@given(valid_ids())
def test_masked_id_keeps_exactly_first_6_and_last_4(number: str) -> None:
    # positions 7–14 (1-based) are the birth date: exactly those are hidden
    assert hidden_positions(number, mask_id(number)) == [6, 7, 8, 9, 10, 11, 12, 13]


@given(st.text(alphabet=st.characters(blacklist_characters="*"), min_size=11, max_size=40))
def test_mask_id_on_any_long_text_keeps_6_and_4(text: str) -> None:
    hidden = hidden_positions(text, mask_id(text))
    assert len(hidden) == len(text) - 10 and min(hidden) == 6 and max(hidden) == len(text) - 5


@given(st.integers(3, 9), st.integers(0, 99_999_999))
def test_masked_mobile_keeps_first_3_and_last_4(second: int, rest: int) -> None:
    phone = normalize_phone(f"1{second}{rest:09d}")
    assert hidden_positions(phone, mask_phone(phone)) == [3, 4, 5, 6]
